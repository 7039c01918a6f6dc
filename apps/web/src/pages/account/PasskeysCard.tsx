import type { AccountView, PasskeyView } from '@conclave/protocol';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { removePasskey, renamePasskey } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { addAPasskey } from '../../api/passkeys';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, TextField } from '../../ui/components';
import { RecoveryCodes } from './RecoveryCodes';
import { useConfirmItIsYou } from './useConfirmItIsYou';

type Stage =
  | { kind: 'idle' }
  | { kind: 'adding' }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'renaming'; passkey: PasskeyView }
  | { kind: 'removing'; passkey: PasskeyView };

type Failure = { message: string; field?: string | undefined };

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium' });

/**
 * Passkeys (IAM-LOCAL): made on this device (or a phone or security key) under a name the person
 * gives, the current password (or another passkey) confirming; each signs in alone, or confirms a
 * sign-in after the password. Listed with when they were added and last used; renamed, or removed with
 * the current password or a passkey. The first brings recovery codes.
 */
export function PasskeysCard({
  account,
  onChanged,
  onFinished,
}: {
  account: AccountView;
  onChanged: () => void;
  /** Called once a passkey is added and any recovery codes are saved (the setup page then lets them go on). */
  onFinished?: (() => void) | undefined;
}) {
  const id = useId();
  const handle = useApiErrorText();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Failure | null>(null);
  const confirm = useConfirmItIsYou(account, error?.field === 'currentPassword' ? error.message : undefined);
  const { passkeys } = account.secondFactors;

  const go = (next: Stage) => {
    setStage(next);
    setError(null);
    setName(next.kind === 'renaming' ? next.passkey.name : '');
    confirm.reset();
  };
  // Shows its own errors, so form handlers need not wait for it.
  const run = (e: FormEvent, action: () => Promise<void>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    void action()
      .catch((err: unknown) =>
        setError({ message: handle(err), field: err instanceof ApiError ? err.field : undefined }),
      )
      .finally(() => setBusy(false));
  };
  const add = (e: FormEvent) =>
    run(e, async () => {
      const { recoveryCodes } = await addAPasskey(name, await confirm.proof());
      onChanged();
      if (recoveryCodes.length > 0) go({ kind: 'codes', codes: recoveryCodes });
      else {
        go({ kind: 'idle' });
        onFinished?.();
      }
    });
  const rename = (e: FormEvent, passkey: PasskeyView) =>
    run(e, async () => {
      await renamePasskey(passkey.id, name);
      onChanged();
      go({ kind: 'idle' });
    });
  const remove = (e: FormEvent, passkey: PasskeyView) =>
    run(e, async () => {
      await removePasskey(passkey.id, await confirm.proof());
      onChanged();
      go({ kind: 'idle' });
    });

  const cancel = (
    <Button disabled={busy} onClick={() => go({ kind: 'idle' })}>
      Cancel
    </Button>
  );
  const nameField = (
    <TextField
      label="Name"
      name="passkeyName"
      placeholder="Laptop, phone, blue security key…"
      value={name}
      onChange={(e) => setName(e.target.value)}
      error={error?.field === 'name' ? error.message : undefined}
      autoFocus
    />
  );
  const otherError = error && error.field !== 'name' && error.field !== 'currentPassword' && (
    <Alert>{error.message}</Alert>
  );

  let body: ReactNode;
  if (stage.kind === 'codes') {
    body = (
      <RecoveryCodes
        codes={stage.codes}
        onSaved={() => {
          go({ kind: 'idle' });
          onFinished?.();
        }}
      />
    );
  } else if (stage.kind === 'adding') {
    body = (
      <form className="admin-form" onSubmit={add} noValidate>
        <p className="muted admin-note">
          Name it so you can tell it from your others. It signs you in without your password, so your password
          (or another of your passkeys) confirms it is you; your browser then asks where to keep it.
        </p>
        {nameField}
        {confirm.field}
        {otherError}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Create passkey
          </Button>
          {cancel}
        </div>
      </form>
    );
  } else if (stage.kind === 'renaming') {
    const { passkey } = stage;
    body = (
      <form className="admin-form" onSubmit={(e) => rename(e, passkey)} noValidate>
        {nameField}
        {otherError}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Save name
          </Button>
          {cancel}
        </div>
      </form>
    );
  } else if (stage.kind === 'removing') {
    const { passkey } = stage;
    body = (
      <form className="admin-form" onSubmit={(e) => remove(e, passkey)} noValidate>
        <p className="muted admin-note">Remove “{passkey.name}”? It will no longer sign you in.</p>
        {confirm.field}
        {otherError}
        <div className="admin-save">
          <Button type="submit" variant="danger" busy={busy}>
            Remove passkey
          </Button>
          {cancel}
        </div>
      </form>
    );
  } else {
    body = (
      <div className="admin-form">
        {passkeys.length === 0 ? (
          <p className="muted admin-note">
            A passkey signs you in with your fingerprint, face or device PIN instead of your password, and
            cannot be phished.
          </p>
        ) : (
          <ul className="account-sessions" aria-label="Passkeys">
            {passkeys.map((p) => (
              <li key={p.id}>
                <div>
                  <strong>{p.name}</strong>
                  <div className="muted">
                    Added {when(p.createdAt)} ·{' '}
                    {p.lastUsedAt ? `last used ${when(p.lastUsedAt)}` : 'never used'}
                  </div>
                </div>
                <div className="admin-save">
                  <Button
                    size="sm"
                    onClick={() => go({ kind: 'renaming', passkey: p })}
                    aria-label={`Rename ${p.name}`}
                  >
                    Rename
                  </Button>
                  <Button
                    size="sm"
                    onClick={() => go({ kind: 'removing', passkey: p })}
                    aria-label={`Remove ${p.name}`}
                  >
                    Remove
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
        <div className="admin-save">
          {!account.hasPassword ? (
            <p className="muted admin-note">
              Passkeys are added with your password, and your account has none.
            </p>
          ) : browserSupportsWebAuthn() ? (
            <Button
              variant={passkeys.length === 0 ? 'primary' : 'secondary'}
              onClick={() => go({ kind: 'adding' })}
            >
              Add a passkey
            </Button>
          ) : (
            <p className="muted admin-note">This browser cannot make passkeys.</p>
          )}
        </div>
      </div>
    );
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Passkeys
      </h2>
      {account.ssoOnly ? (
        <p className="muted admin-note">Your organisation’s identity provider decides how you sign in.</p>
      ) : (
        body
      )}
    </section>
  );
}
