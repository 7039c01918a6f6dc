import type { AdminUserView } from '@conclave/protocol';
import { deleteUser, restoreUser, revokeUser, setUserRole, updateUser } from '../../api/endpoints';
import { HiddenMark } from '../../ui/marks';
import { ROLE_NAMES } from './roles';
import { DeleteWithConfirmation, useRowActions } from './rowActions';

/**
 * One person of the People table, with the actions the server says the caller may take (`can`).
 * Each action's answer replaces the row; a refusal goes to `onError` (null clears it).
 */
export function PersonRow({
  person,
  onChanged,
  onDeleted,
  onError,
}: {
  person: AdminUserView;
  onChanged: (person: AdminUserView) => void;
  onDeleted: (id: string) => void;
  onError: (err: unknown) => void;
}) {
  const name = person.displayName;
  const actions = useRowActions(name, onError);
  const { action } = actions;

  const { can } = person;
  const toRole = person.role === 'superuser' ? 'user' : 'superuser';
  return (
    <tr data-testid="admin-person" data-user-id={person.id}>
      <th scope="row">
        <bdi>{name}</bdi>
      </th>
      <td className="admin-email">{person.email}</td>
      <td>{ROLE_NAMES[person.role]}</td>
      <td>
        <span className="admin-marks">
          {person.revoked && <span className="ext ext-danger">Access revoked</span>}
          {person.hidden && <HiddenMark />}
        </span>
      </td>
      <td>
        <div className="row-actions admin-actions">
          {can.setRole &&
            person.role !== 'administrator' &&
            action(`Make ${ROLE_NAMES[toRole]}`, async () =>
              onChanged(await setUserRole(person.id, { role: toRole })),
            )}
          {can.revoke &&
            (person.revoked
              ? action('Restore access', async () => onChanged(await restoreUser(person.id)))
              : action('Revoke access', async () => onChanged(await revokeUser(person.id))))}
          {can.hide &&
            action(person.hidden ? 'Show in directory' : 'Hide from directory', async () => {
              const entry = await updateUser(person.id, { hidden: !person.hidden });
              onChanged({ ...person, hidden: entry.hidden });
            })}
          {can.delete && (
            <DeleteWithConfirmation
              name={name}
              message={`${name} (${person.email}) can no longer sign in, and every meeting they own is deleted too, ending it for whoever is in it. Their messages go, and the audit log, recordings and usage reports show a “Deleted person” instead. This cannot be undone.`}
              confirm="Delete account and meetings"
              actions={actions}
              onDelete={async () => {
                await deleteUser(person.id);
                onDeleted(person.id);
              }}
            />
          )}
        </div>
      </td>
    </tr>
  );
}
