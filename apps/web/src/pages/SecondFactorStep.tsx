import type { SecondFactorMethod, SessionView } from '@conclave/protocol';
import { useState, type FormEvent } from 'react';
import { completeSignIn } from '../api/endpoints';
import { ApiError } from '../api/http';
import { Alert, Button, TextField } from '../ui/components';

/**
 * The second step of a sign-in (IAM-LOCAL): a code from the authenticator app, or one of the recovery
 * codes. `onSignedIn` gets the session; `onRestart` is for a sign-in that expired (password again).
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
      onSignedIn(await completeSignIn({ method, code }));
    } catch (err) {
      if (err instanceof ApiError && /password again/.test(err.message)) setExpired(true);
      setError(err instanceof Error ? err.message : 'That did not work');
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  const other: SecondFactorMethod | undefined = methods.find((m) => m !== method);
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      {error && <Alert>{error}</Alert>}
      {expired ? (
        <Button variant="primary" size="lg" onClick={onRestart}>
          Sign in again
        </Button>
      ) : (
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
          {other && (
            <Button
              variant="ghost"
              onClick={() => {
                setMethod(other);
                setCode('');
                setError(null);
              }}
            >
              {other === 'recovery' ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
            </Button>
          )}
        </>
      )}
    </form>
  );
}
