import type { AccountView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { changePassword } from '../../api/endpoints';
import { useFormAction } from '../../app/useFormAction';
import { Alert, Button, TextField } from '../../ui/components';
import { useConfirmItIsYou } from './useConfirmItIsYou';

/** A new password, confirmed by the current one or a passkey; every other browser is signed out. */
export function PasswordCard({ account, onChanged }: { account: AccountView; onChanged: () => void }) {
  const id = useId();
  const { busy, done, run, fieldError, otherError } = useFormAction();
  const confirm = useConfirmItIsYou(account, fieldError('currentPassword'));
  const [next, setNext] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await changePassword({ ...(await confirm.proof()), newPassword: next });
      confirm.reset();
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
          {confirm.field}
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
