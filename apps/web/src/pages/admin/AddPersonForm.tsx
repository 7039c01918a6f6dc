import type { AdminUserView } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { createUser } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, TextField } from '../../ui/components';
import { fieldMessage } from './fieldMessage';

const EMPTY = { email: '', displayName: '', password: '', role: 'user' as 'user' | 'superuser' };
const FIELDS = new Set(['email', 'displayName', 'password', 'role']);

/** IAM-LOCAL: a new account with a first password, refused errors shown next to their field. */
export function AddPersonForm({ onAdded }: { onAdded: (user: AdminUserView) => void }) {
  const handle = useApiErrorText();
  const roleId = useId();
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [added, setAdded] = useState<string | null>(null);

  const set = (key: keyof typeof EMPTY) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const user = await createUser(form);
      onAdded(user);
      setAdded(`${user.displayName} was added. Give them their first password; they sign in with it.`);
      setForm(EMPTY);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      setError({ message: fieldMessage(handle(err), field), field });
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  return (
    <section className="card" aria-labelledby="admin-add-person">
      <h2 id="admin-add-person" className="admin-card-title">
        Add a person
      </h2>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        {error && !FIELDS.has(error.field ?? '') && <Alert>{error.message}</Alert>}
        {added && <Alert tone="info">{added}</Alert>}
        <div className="admin-grid">
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            value={form.email}
            onChange={set('email')}
            error={fieldError('email')}
          />
          <TextField
            label="Display name"
            name="displayName"
            autoComplete="off"
            required
            maxLength={64}
            value={form.displayName}
            onChange={set('displayName')}
            error={fieldError('displayName')}
          />
          <TextField
            label="First password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={form.password}
            onChange={set('password')}
            error={fieldError('password')}
            hint="At least 10 characters."
          />
          <div className="field">
            <label htmlFor={roleId}>Role</label>
            <select id={roleId} name="role" value={form.role} onChange={set('role')}>
              <option value="user">User</option>
              <option value="superuser">Superuser</option>
            </select>
          </div>
        </div>
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            Add person
          </Button>
        </div>
      </form>
    </section>
  );
}
