import type { CreatedInvitationView, InvitationView } from '@conclave/protocol';
import { useId, useState } from 'react';
import { createInvitation } from '../../api/endpoints';
import { Alert, Button, Checkbox, CopyButton, TextField } from '../../ui/components';
import { useAdminForm } from './useAdminForm';
import { ROLE_NAMES } from './roles';

const EMPTY = { email: '', role: 'user' as 'user' | 'superuser', sendEmail: true };
const DAY_MS = 24 * 3600_000;

/**
 * IAM-ROLES: invites an address with a role. The link comes back once, in the answer, and is shown
 * here until Done, like a password manager shows a new secret; the list keeps the invitation without it.
 */
export function InviteForm({
  canEmail,
  onInvited,
  onClose,
}: {
  /** The installation has outgoing mail: the link can also go to the person by email. */
  canEmail: boolean;
  onInvited: (invitation: InvitationView) => void;
  onClose: () => void;
}) {
  const roleId = useId();
  const [created, setCreated] = useState<CreatedInvitationView | null>(null);
  const { form, setForm, set, busy, error, submit, fieldError } = useAdminForm(
    EMPTY,
    (f) => createInvitation({ ...f, sendEmail: canEmail && f.sendEmail }),
    (view) => {
      const { id, email, role, invitedBy, createdAt, expiresAt } = view;
      onInvited({ id, email, role, invitedBy, createdAt, expiresAt });
      setCreated(view);
    },
  );

  if (created) return <InvitationLink invitation={created} onDone={onClose} />;
  return (
    <form className="admin-form admin-invite" onSubmit={(e) => void submit(e)} noValidate>
      {error && error.field !== 'email' && <Alert>{error.message}</Alert>}
      <div className="admin-grid">
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          autoFocus
          value={form.email}
          onChange={set('email')}
          error={fieldError('email')}
          hint="They choose their own name and password."
        />
        <div className="field">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} name="role" value={form.role} onChange={set('role')}>
            <option value="user">User</option>
            <option value="superuser">Superuser</option>
          </select>
        </div>
      </div>
      {canEmail && (
        <Checkbox
          label="Also send the link to them by email"
          checked={form.sendEmail}
          onChange={(sendEmail) => setForm((f) => ({ ...f, sendEmail }))}
        />
      )}
      <div className="admin-buttons">
        <Button type="submit" variant="primary" busy={busy}>
          Create invitation link
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** The new link, once: to copy and hand over (or already on its way by email), with how long it works. */
function InvitationLink({ invitation, onDone }: { invitation: CreatedInvitationView; onDone: () => void }) {
  const days = Math.round((Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)) / DAY_MS);
  return (
    <div className="admin-form admin-invite">
      <Alert tone="info">
        <bdi>{invitation.email}</bdi> is invited as a {ROLE_NAMES[invitation.role]}.{' '}
        {invitation.emailed
          ? 'The link is on its way to them by email; you can also copy it now: it is not shown again.'
          : 'Copy the link and send it to them yourself: it is not shown again.'}
      </Alert>
      <div className="admin-invite-link">
        <TextField
          label="Invitation link"
          readOnly
          autoFocus
          value={invitation.link}
          onFocus={(e) => e.target.select()}
          hint={`It works once, and expires in ${days} days (${new Date(invitation.expiresAt).toLocaleString()}).`}
        />
        <CopyButton text={invitation.link} label="Copy invitation link" variant="primary" size="md" />
      </div>
      <div>
        <Button onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}
