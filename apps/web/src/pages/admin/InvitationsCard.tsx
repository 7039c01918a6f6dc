import type { InvitationView } from '@conclave/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { listInvitations, revokeInvitation } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, Spinner } from '../../ui/components';
import { AdminTable } from './AdminTable';
import { InviteForm } from './InviteForm';
import { ROLE_NAMES } from './roles';
import { useRowActions } from './rowActions';

/** IAM-ROLES: inviting someone to choose their own account, and the invitations not used yet. */
export function InvitationsCard() {
  const handle = useApiErrorText();
  const [invitations, setInvitations] = useState<InvitationView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  // Closing the form unmounts what had focus: it goes back to the button that opened it.
  const refocus = useRef(false);
  const focusIfClosed = useCallback((button: HTMLButtonElement | null) => {
    if (button && refocus.current) button.focus();
    refocus.current = false;
  }, []);
  const [canEmail, setCanEmail] = useState(false);
  const closeForm = () => {
    refocus.current = true;
    setInviting(false);
  };

  useEffect(() => {
    let cancelled = false;
    // Never fails: a refusal is shown instead of the table.
    void listInvitations().then(
      (r) => {
        if (cancelled) return;
        setInvitations(r.invitations);
        setCanEmail(r.canEmail);
      },
      (err: unknown) => !cancelled && setLoadError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  // A new invitation of an address replaces its earlier one, on the server as here.
  const invited = (invitation: InvitationView) =>
    setInvitations((list) => list && [invitation, ...list.filter((i) => i.email !== invitation.email)]);
  const revoked = (id: string) => setInvitations((list) => list && list.filter((i) => i.id !== id));
  const failed = useCallback((err: unknown) => setActionError(err ? handle(err) : null), [handle]);

  return (
    <section className="card" aria-labelledby="admin-invitations">
      <div className="card-header">
        <h2 id="admin-invitations">Pending invitations</h2>
        {invitations && <span className="count-badge">{invitations.length}</span>}
        {!inviting && (
          <Button ref={focusIfClosed} className="admin-header-action" onClick={() => setInviting(true)}>
            Invite a person
          </Button>
        )}
      </div>
      <p className="muted admin-note">
        Invite someone by a link that lets them choose their own name and password.{' '}
        {canEmail ? 'It can go to them by email, or you hand it over.' : 'You hand them the link.'}
      </p>
      {inviting && <InviteForm canEmail={canEmail} onInvited={invited} onClose={closeForm} />}
      {loadError && <Alert>{loadError}</Alert>}
      {actionError && <Alert>{actionError}</Alert>}
      {!invitations && !loadError && (
        <div className="empty">
          <Spinner label="Loading the invitations" />
        </div>
      )}
      {invitations?.length === 0 && <p className="muted">Nobody is invited at the moment.</p>}
      {invitations && invitations.length > 0 && (
        <AdminTable columns={['Email', 'Role', 'Invited by', 'Expires', '']}>
          {invitations.map((i) => (
            <InvitationRow key={i.id} invitation={i} onRevoked={revoked} onError={failed} />
          ))}
        </AdminTable>
      )}
    </section>
  );
}

function InvitationRow({
  invitation,
  onRevoked,
  onError,
}: {
  invitation: InvitationView;
  onRevoked: (id: string) => void;
  onError: (err: unknown) => void;
}) {
  const { action } = useRowActions(invitation.email, onError);
  return (
    <tr data-testid="admin-invitation">
      <th scope="row" className="admin-email">
        <bdi>{invitation.email}</bdi>
      </th>
      <td>{ROLE_NAMES[invitation.role]}</td>
      <td>
        {invitation.invitedBy === null ? (
          <span className="muted">Account deleted</span>
        ) : (
          <bdi>{invitation.invitedBy}</bdi>
        )}
      </td>
      <td className="admin-when">
        <time dateTime={invitation.expiresAt}>{new Date(invitation.expiresAt).toLocaleString()}</time>
      </td>
      <td>
        <div className="row-actions admin-actions">
          {action('Revoke invitation', async () => {
            try {
              await revokeInvitation(invitation.id);
            } catch (err) {
              // Used or revoked meanwhile: it is gone all the same.
              if (!(err instanceof ApiError && err.status === 404)) throw err;
            }
            onRevoked(invitation.id);
          })}
        </div>
      </td>
    </tr>
  );
}
