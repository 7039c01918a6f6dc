import type { AdminUserView } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { listUsers } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert, Spinner } from '../../ui/components';
import { AddPersonForm } from './AddPersonForm';
import { AdminTable } from './AdminTable';
import { InvitationsCard } from './InvitationsCard';
import { PersonRow } from './PersonRow';

const byName = (a: AdminUserView, b: AdminUserView) =>
  a.displayName.localeCompare(b.displayName) || a.email.localeCompare(b.email);

/**
 * ADM, IAM-ROLES, IAM-REVOKE: everyone in the organisation, and what the caller may do to each; adding
 * someone with a first password, or inviting them to choose their own.
 */
export function PeoplePage() {
  const handle = useApiErrorText();
  const [users, setUsers] = useState<AdminUserView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Never fails: a refusal is shown instead of the table.
    void listUsers().then(
      (r) => !cancelled && setUsers([...r.users].sort(byName)),
      (err: unknown) => !cancelled && setLoadError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  const added = (user: AdminUserView) => setUsers((list) => list && [...list, user].sort(byName));
  const changed = (user: AdminUserView) =>
    setUsers((list) => list && list.map((u) => (u.id === user.id ? user : u)));
  const deleted = (id: string) => setUsers((list) => list && list.filter((u) => u.id !== id));
  const failed = useCallback((err: unknown) => setActionError(err ? handle(err) : null), [handle]);

  return (
    <>
      <AddPersonForm onAdded={added} />
      <InvitationsCard />
      <section className="card" aria-labelledby="admin-people">
        <div className="card-header">
          <h2 id="admin-people">People</h2>
          {users && <span className="count-badge">{users.length}</span>}
        </div>
        {loadError && <Alert>{loadError}</Alert>}
        {actionError && <Alert>{actionError}</Alert>}
        {!users && !loadError && (
          <div className="empty">
            <Spinner label="Loading the people" />
          </div>
        )}
        {users && (
          <AdminTable columns={['Name', 'Email', 'Role', 'Status', '']}>
            {users.map((u) => (
              <PersonRow key={u.id} person={u} onChanged={changed} onDeleted={deleted} onError={failed} />
            ))}
          </AdminTable>
        )}
      </section>
    </>
  );
}
