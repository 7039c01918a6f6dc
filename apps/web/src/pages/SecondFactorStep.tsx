import type { SecondFactorMethod, SessionView } from '@conclave/protocol';
import { useState, type FormEvent } from 'react';
import { completeSignIn } from '../api/endpoints';
import { ApiError } from '../api/http';
import { confirmWithAPasskey } from '../api/passkeys';
import { Alert, Button, TextField } from '../ui/components';

const SWITCH_TO: Record<SecondFactorMethod, string> = {
  passkey: 'Use a passkey instead',
  totp: 'Use your authenticator app instead',
  recovery: 'Use a recovery code instead',
};

/**
 * The second step of a sign-in (IAM-LOCAL): one of the account's passkeys, a code from the
 * authenticator app, or one of the recovery codes. `onSignedIn` gets the session; `onRestart` is for a
 * sign-in that expired (password again).
 */
export function SecondFactorStep({
  methods,
  onSignedIn,
  onRestart,
}: {
  methods: SecondFactorMethod[];
  onSignedIn: (view: SessionView) => void;
  onRestart: () => void;
}) {
  const [method, setMethod] = useState<SecondFactorMethod>(methods[0] ?? 'totp');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(method === 'passkey' ? await confirmWithAPasskey() : await completeSignIn({ method, code }));
    } catch (err) {
      if (err instanceof ApiError && /password again/.test(err.message)) setExpired(true);
      setError(err instanceof Error ? err.message : 'That did not work');
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  let step;
  if (method === 'passkey') {
    step = (
      <>
        <p className="muted">Use the passkey on this device, or on a phone or security key that holds one.</p>
        <Button type="submit" variant="primary" size="lg" busy={busy}>
          Use your passkey
        </Button>
      </>
    );
  } else {
    step = (
      <>
        <TextField
          key={method}
          label={method === 'totp' ? 'Code from your authenticator app' : 'Recovery code'}
          name="code"
          inputMode={method === 'totp' ? 'numeric' : 'text'}
          autoComplete="one-time-code"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          hint={
            method === 'totp' ? '6 digits; a new one every 30 seconds.' : 'Each recovery code works once.'
          }
          autoFocus
        />
        <Button type="submit" variant="primary" size="lg" busy={busy}>
          Verify
        </Button>
      </>
    );
  }
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      {error && <Alert>{error}</Alert>}
      {expired ? (
        <Button variant="primary" size="lg" onClick={onRestart}>
          Sign in again
        </Button>
      ) : (
        <>
          {step}
          {methods
            .filter((m) => m !== method)
            .map((other) => (
              <Button
                key={other}
                variant="ghost"
                onClick={() => {
                  setMethod(other);
                  setCode('');
                  setError(null);
                }}
              >
                {SWITCH_TO[other]}
              </Button>
            ))}
        </>
      )}
    </form>
  );
}
