import type { AccountView, TotpSetupView } from '@conclave/protocol';
import { toDataURL } from 'qrcode';
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { confirmTotp, removeTotp, renewRecoveryCodes, startTotp } from '../../api/endpoints';
import { useFormAction } from '../../app/useFormAction';
import { Alert, Button, TextField } from '../../ui/components';
import { RecoveryCodes } from './RecoveryCodes';
import { useConfirmItIsYou } from './useConfirmItIsYou';

type Stage =
  | { kind: 'idle' }
  | { kind: 'scanning'; setup: TotpSetupView; qr: string | null }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'confirming'; action: 'remove' | 'renew' };

/**
 * Two-step verification (IAM-LOCAL): an authenticator app, set up from a QR code (or its key typed in)
 * and confirmed with a code from it; ten recovery codes shown once, kept while the account has the app
 * or a passkey (PasskeysCard). Removing the app or getting new codes asks for the current password or
 * a passkey.
 */
export function TwoStepCard({
  account,
  onChanged,
  onFinished,
}: {
  account: AccountView;
  onChanged: () => void;
  /** Called when the person is done with the recovery codes (the setup page then lets them go on). */
  onFinished?: (() => void) | undefined;
}) {
  const id = useId();
  const { busy, error, run, fieldError, otherError } = useFormAction();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [code, setCode] = useState('');
  const confirmation = useConfirmItIsYou(account, fieldError('currentPassword'));
  const { totp, recoveryCodesLeft } = account.secondFactors;
  const passkeys = account.secondFactors.passkeys.length;

  // The QR code is drawn in the browser: the secret never goes to a third party.
  const scanning = stage.kind === 'scanning' ? stage.setup : null;
  useEffect(() => {
    if (!scanning) return;
    let cancelled = false;
    void toDataURL(scanning.otpauthUri, { margin: 1, width: 200 }).then(
      (qr) => !cancelled && setStage((s) => (s.kind === 'scanning' ? { ...s, qr } : s)),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [scanning]);

  const begin = () => run(async () => setStage({ kind: 'scanning', setup: await startTotp(), qr: null }));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const { codes } = await confirmTotp(code);
      setCode('');
      // No codes: the account keeps those that came with its passkey.
      if (codes.length > 0) setStage({ kind: 'codes', codes });
      else {
        setStage({ kind: 'idle' });
        onFinished?.();
      }
      onChanged();
    });
  };
  const confirmed = (e: FormEvent, action: 'remove' | 'renew') => {
    e.preventDefault();
    void run(async () => {
      const proof = await confirmation.proof();
      if (action === 'remove') {
        await removeTotp(proof);
        setStage({ kind: 'idle' });
      } else {
        setStage({ kind: 'codes', codes: (await renewRecoveryCodes(proof)).codes });
      }
      confirmation.reset();
      onChanged();
    });
  };

  let body: ReactNode;
  if (stage.kind === 'scanning') {
    body = (
      <form className="admin-form" onSubmit={confirm} noValidate>
        <p className="muted admin-note">
          Scan this with your authenticator app (such as Aegis, Google Authenticator or 1Password), then enter
          the code it shows.
        </p>
        {stage.qr && <img className="totp-qr" src={stage.qr} alt="QR code for your authenticator app" />}
        <p className="muted admin-note">
          Cannot scan it? Enter this key instead: <code aria-label="Setup key">{stage.setup.secret}</code>
        </p>
        <TextField
          label="Code from the app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={fieldError('code')}
        />
        {otherError(['code']) && <Alert>{otherError(['code'])}</Alert>}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Turn on two-step verification
          </Button>
          <Button disabled={busy} onClick={() => setStage({ kind: 'idle' })}>
            Cancel
          </Button>
        </div>
      </form>
    );
  } else if (stage.kind === 'codes') {
    body = (
      <RecoveryCodes
        codes={stage.codes}
        onSaved={() => {
          setStage({ kind: 'idle' });
          onFinished?.();
        }}
      />
    );
  } else if (stage.kind === 'confirming') {
    const removing = stage.action === 'remove';
    body = (
      <form className="admin-form" onSubmit={(e) => confirmed(e, stage.action)} noValidate>
        {confirmation.field}
        {otherError(['currentPassword']) && <Alert>{otherError(['currentPassword'])}</Alert>}
        <div className="admin-save">
          <Button type="submit" variant={removing ? 'danger' : 'primary'} busy={busy}>
            {removing ? 'Remove the authenticator app' : 'Get new recovery codes'}
          </Button>
          <Button
            disabled={busy}
            onClick={() => {
              confirmation.reset();
              setStage({ kind: 'idle' });
            }}
          >
            Cancel
          </Button>
        </div>
      </form>
    );
  } else {
    body = (
      <div className="admin-form">
        {totp ? (
          <p>
            <strong>On.</strong> Signing in with your password also asks for a code from your authenticator
            app{passkeys > 0 && ' or one of your passkeys'}. Recovery codes left: {recoveryCodesLeft}.
          </p>
        ) : passkeys > 0 ? (
          <p>
            <strong>On.</strong> Signing in with your password also asks for one of your passkeys. You can add
            an authenticator app too. Recovery codes left: {recoveryCodesLeft}.
          </p>
        ) : (
          <p className="muted admin-note">
            Off. With it on, signing in with your password also asks for a passkey or a code from an app on
            your phone, so a stolen password is not enough.
          </p>
        )}
        {error && <Alert>{error.message}</Alert>}
        <div className="admin-save">
          {!totp && (
            <Button variant={passkeys > 0 ? 'secondary' : 'primary'} busy={busy} onClick={() => void begin()}>
              Set up an authenticator app
            </Button>
          )}
          {(totp || passkeys > 0) && (
            <Button onClick={() => setStage({ kind: 'confirming', action: 'renew' })}>
              Get new recovery codes
            </Button>
          )}
          {totp && (
            <Button variant="danger" onClick={() => setStage({ kind: 'confirming', action: 'remove' })}>
              Remove authenticator app
            </Button>
          )}
        </div>
      </div>
    );
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Two-step verification
      </h2>
      {account.ssoOnly ? (
        <p className="muted admin-note">Your organisation’s identity provider decides how you sign in.</p>
      ) : (
        body
      )}
    </section>
  );
}
