import type { AccountView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { renameAccount } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText, useSession } from '../../app/session';
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
  const handle = useApiErrorText();
  const [name, setName] = useState(account.user.displayName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await renameAccount(name);
      onSaved(updated);
      setName(updated.user.displayName);
      // The header shows the name the session holds.
      if (session.session) session.signedIn({ ...session.session, user: updated.user });
      setSaved(true);
    } catch (err) {
      setError({ message: handle(err), field: err instanceof ApiError ? err.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Profile
      </h2>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Email" name="email" value={account.user.email} readOnly disabled />
        <TextField
          label="Display name"
          name="displayName"
          autoComplete="name"
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error?.field === 'displayName' ? error.message : undefined}
          hint="How others see you in meetings and the directory."
        />
        {error && error.field !== 'displayName' && <Alert>{error.message}</Alert>}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Save name
          </Button>
          <span role="status" className="muted">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
