import type { AdminUserView } from '@conclave/protocol';
import { useId } from 'react';
import { createUser } from '../../api/endpoints';
import { Alert, Button, TextField } from '../../ui/components';
import { useAdminForm } from './useAdminForm';

const EMPTY = { email: '', displayName: '', password: '', role: 'user' as 'user' | 'superuser' };
const FIELDS = new Set(['email', 'displayName', 'password', 'role']);

/** IAM-LOCAL: a new account with a first password, refused errors shown next to their field. */
export function AddPersonForm({ onAdded }: { onAdded: (user: AdminUserView) => void }) {
  const roleId = useId();
  const { form, set, busy, error, done, submit, fieldError } = useAdminForm(EMPTY, createUser, (user) => {
    onAdded(user);
    return `${user.displayName} was added. Give them their first password; they sign in with it.`;
  });
  return (
    <section className="card" aria-labelledby="admin-add-person">
      <h2 id="admin-add-person" className="admin-card-title">
        Add a person
      </h2>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        {error && !FIELDS.has(error.field ?? '') && <Alert>{error.message}</Alert>}
        {done && <Alert tone="info">{done}</Alert>}
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
