import type { AccountView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { renameAccount } from '../../api/endpoints';
import { useSession } from '../../app/session';
import { useFormAction } from '../../app/useFormAction';
import { Alert, Button, TextField } from '../../ui/components';

/** The person's name as others see it in meetings and the directory. */
export function ProfileCard({
  account,
  onSaved,
}: {
  account: AccountView;
  onSaved: (a: AccountView) => void;
}) {
  const id = useId();
  const session = useSession();
  const { busy, done, run, fieldError, otherError } = useFormAction();
  const [name, setName] = useState(account.user.displayName);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const updated = await renameAccount(name);
      onSaved(updated);
      setName(updated.user.displayName);
      // The header shows the name the session holds.
      if (session.session) session.signedIn({ ...session.session, user: updated.user });
    });
  };

  const other = otherError(['displayName']);
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Profile
      </h2>
      <form className="admin-form" onSubmit={submit} noValidate>
        <TextField label="Email" name="email" value={account.user.email} readOnly disabled />
        <TextField
          label="Display name"
          name="displayName"
          autoComplete="name"
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError('displayName')}
          hint="How others see you in meetings and the directory."
        />
        {other && <Alert>{other}</Alert>}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Save name
          </Button>
          <span role="status" className="muted">
            {done ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
