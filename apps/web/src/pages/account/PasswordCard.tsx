import type { AccountView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { changePassword } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, TextField } from '../../ui/components';

/** A new password, confirmed by the current one; every other browser is signed out. */
export function PasswordCard({ account, onChanged }: { account: AccountView; onChanged: () => void }) {
  const id = useId();
  const handle = useApiErrorText();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setSaved(true);
      onChanged();
    } catch (err) {
      setError({ message: handle(err), field: err instanceof ApiError ? err.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Password
      </h2>
      {account.ssoOnly ? (
        <p className="muted admin-note">
          You sign in through your organisation’s identity provider; there is no password here.
        </p>
      ) : !account.hasPassword ? (
        <p className="muted admin-note">
          You sign in through single sign-on. To also sign in with a password,{' '}
          <Link to={`/forgot-password?email=${encodeURIComponent(account.user.email)}`}>
            set one by email
          </Link>
          .
        </p>
      ) : (
        <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
          <TextField
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={error?.field === 'currentPassword' ? error.message : undefined}
          />
          <TextField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={10}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={error?.field === 'newPassword' ? error.message : undefined}
            hint="At least 10 characters. Your other browsers will be signed out."
          />
          {error && !['currentPassword', 'newPassword'].includes(error.field ?? '') && (
            <Alert>{error.message}</Alert>
          )}
          <div className="admin-save">
            <Button type="submit" variant="primary" busy={busy}>
              Change password
            </Button>
            <span role="status" className="muted">
              {saved ? 'Password changed; your other browsers are signed out.' : ''}
            </span>
          </div>
        </form>
      )}
    </section>
  );
}
