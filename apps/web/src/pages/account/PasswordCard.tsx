import type { AccountView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { changePassword } from '../../api/endpoints';
import { useFormAction } from '../../app/useFormAction';
import { Alert, Button, TextField } from '../../ui/components';

/** A new password, confirmed by the current one; every other browser is signed out. */
export function PasswordCard({ account, onChanged }: { account: AccountView; onChanged: () => void }) {
  const id = useId();
  const { busy, done, run, fieldError, otherError } = useFormAction();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      onChanged();
    });
  };
  const other = otherError(['currentPassword', 'newPassword']);

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
        <form className="admin-form" onSubmit={submit} noValidate>
          <TextField
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={fieldError('currentPassword')}
          />
          <TextField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={10}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={fieldError('newPassword')}
            hint="At least 10 characters. Your other browsers will be signed out."
          />
          {other && <Alert>{other}</Alert>}
          <div className="admin-save">
            <Button type="submit" variant="primary" busy={busy}>
              Change password
            </Button>
            <span role="status" className="muted">
              {done ? 'Password changed; your other browsers are signed out.' : ''}
            </span>
          </div>
        </form>
      )}
    </section>
  );
}
