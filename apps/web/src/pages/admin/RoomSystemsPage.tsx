import type { AdminRoomSystemView, AdminUserView } from '@conclave/protocol';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import {
  deleteRoomSystem,
  listRoomSystems,
  listUsers,
  registerRoomSystem,
  restoreRoomSystem,
  revokeRoomSystem,
  updateRoomSystem,
} from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { ConfirmDialog } from '../../meeting/ConfirmDialog';
import { Alert, Button, Spinner, TextField } from '../../ui/components';
import { HiddenMark } from '../../ui/marks';
import { AdminTable } from './AdminTable';
import { RoomAlertsCard } from './RoomAlertsCard';
import { DeleteWithConfirmation, useRowActions } from './rowActions';
import { useAdminForm } from './useAdminForm';

const byName = (a: AdminRoomSystemView, b: AdminRoomSystemView) => a.name.localeCompare(b.name);

/** Online, last seen and alerts change by themselves: the page looks again this often. */
const REFRESH_MS = 15_000;

/**
 * ADM-ROOMS, IAM-REVOKE: the organisation's room systems (meeting-room screens in room mode, /room):
 * adding one by the code its screen shows, renaming, associating with a person, hiding, making its
 * screen join the meetings it is invited to by itself (ADM-CALENDAR), revoking and restoring, deleting.
 */
export function RoomSystemsPage() {
  const handle = useApiErrorText();
  const [rooms, setRooms] = useState<AdminRoomSystemView[] | null>(null);
  const [people, setPeople] = useState<AdminUserView[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      listRoomSystems().then(
        (r) => setRooms([...r.roomSystems].sort(byName)),
        (err: unknown) => setLoadError(handle(err)),
      ),
    [handle],
  );
  useEffect(() => {
    void load();
    void listUsers().then(
      (r) => setPeople([...r.users].sort((a, b) => a.displayName.localeCompare(b.displayName))),
      () => setPeople([]),
    );
    // Online and last seen change by themselves: look again now and then.
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const added = (room: AdminRoomSystemView) => setRooms((list) => list && [...list, room].sort(byName));
  const changed = (room: AdminRoomSystemView) =>
    setRooms((list) => list && list.map((r) => (r.id === room.id ? room : r)).sort(byName));
  const deleted = (id: string) => setRooms((list) => list && list.filter((r) => r.id !== id));
  const failed = useCallback((err: unknown) => setActionError(err ? handle(err) : null), [handle]);

  return (
    <>
      <AddRoomSystemForm people={people} onAdded={added} />
      <section className="card" aria-labelledby="admin-rooms">
        <div className="card-header">
          <h2 id="admin-rooms">Room systems</h2>
          {rooms && <span className="count-badge">{rooms.length}</span>}
        </div>
        {loadError && <Alert>{loadError}</Alert>}
        {actionError && <Alert>{actionError}</Alert>}
        {!rooms && !loadError && (
          <div className="empty">
            <Spinner label="Loading the room systems" />
          </div>
        )}
        {rooms && rooms.length === 0 && (
          <p className="empty">
            No room systems yet. Open <code>/room</code> on the meeting room’s screen and enter the code it
            shows above.
          </p>
        )}
        {rooms && rooms.length > 0 && (
          <AdminTable columns={['Name', 'Associated with', 'Status', '']}>
            {rooms.map((r) => (
              <RoomRow
                key={r.id}
                room={r}
                people={people}
                onChanged={changed}
                onDeleted={deleted}
                onError={failed}
              />
            ))}
          </AdminTable>
        )}
      </section>
      <RoomAlertsCard refreshMs={REFRESH_MS} />
    </>
  );
}

/** "Add a room system": the code its screen shows, a name, and optionally the person it belongs with. */
function AddRoomSystemForm({
  people,
  onAdded,
}: {
  people: AdminUserView[];
  onAdded: (room: AdminRoomSystemView) => void;
}) {
  const personId = useId();
  const { form, set, busy, error, done, submit, fieldError } = useAdminForm(
    { code: '', name: '', associatedUserId: '' },
    (f) => registerRoomSystem({ code: f.code, name: f.name, associatedUserId: f.associatedUserId || null }),
    (room) => {
      onAdded(room);
      return `${room.name} is paired. Its screen shows the room mode in a moment.`;
    },
  );
  return (
    <section className="card" aria-labelledby="admin-add-room">
      <h2 id="admin-add-room" className="admin-card-title">
        Add a room system
      </h2>
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted">
          Open <code>/room</code> on the meeting room’s screen: it shows a pairing code for 10 minutes. Enter
          it here.
        </p>
        {error && !['code', 'name'].includes(error.field ?? '') && <Alert>{error.message}</Alert>}
        {done && <Alert tone="info">{done}</Alert>}
        <div className="admin-grid">
          <TextField
            label="Pairing code"
            name="code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required
            maxLength={16}
            value={form.code}
            onChange={set('code')}
            error={fieldError('code')}
            hint="8 letters and digits, as the screen shows them."
          />
          <TextField
            label="Room name"
            name="name"
            autoComplete="off"
            required
            maxLength={64}
            value={form.name}
            onChange={set('name')}
            error={fieldError('name')}
          />
          <PersonSelect
            id={personId}
            people={people}
            value={form.associatedUserId}
            onChange={set('associatedUserId')}
          />
        </div>
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            Add room system
          </Button>
        </div>
      </form>
    </section>
  );
}

function PersonSelect({
  id,
  people,
  value,
  onChange,
}: {
  id: string;
  people: AdminUserView[];
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Associated with</label>
      <select id={id} name="associatedUserId" value={value} onChange={onChange}>
        <option value="">Nobody</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName} ({p.email})
          </option>
        ))}
      </select>
    </div>
  );
}

/** "Online now", "Last seen …", "Never seen", from what the server says. */
function presence(room: AdminRoomSystemView): string {
  if (room.online) return 'Online now';
  if (!room.lastSeenAt) return 'Never seen';
  return `Last seen ${new Date(room.lastSeenAt).toLocaleString()}`;
}

/** One room system of the table, with what the caller may do to it (`can`). */
function RoomRow({
  room,
  people,
  onChanged,
  onDeleted,
  onError,
}: {
  room: AdminRoomSystemView;
  people: AdminUserView[];
  onChanged: (room: AdminRoomSystemView) => void;
  onDeleted: (id: string) => void;
  onError: (err: unknown) => void;
}) {
  const actions = useRowActions(room.name, onError);
  const { action, run } = actions;
  const [editing, setEditing] = useState<'edit' | 'restore' | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [name, setName] = useState(room.name);
  const [person, setPerson] = useState(room.associatedUser?.id ?? '');
  const [code, setCode] = useState('');
  const personId = useId();
  const { can } = room;

  const save = (e: FormEvent) => {
    e.preventDefault();
    void run('Save', async () => {
      onChanged(await updateRoomSystem(room.id, { name, associatedUserId: person || null }));
      setEditing(null);
    });
  };
  const restore = (e: FormEvent) => {
    e.preventDefault();
    void run('Restore', async () => {
      onChanged(await restoreRoomSystem(room.id, { code }));
      setCode('');
      setEditing(null);
    });
  };

  return (
    <tr data-testid="admin-room-system" data-room-id={room.id}>
      <th scope="row">
        <bdi>{room.name}</bdi>
      </th>
      <td>
        {room.associatedUser ? (
          <bdi>{room.associatedUser.displayName}</bdi>
        ) : (
          <span className="muted">Nobody</span>
        )}
      </td>
      <td>
        <span className="admin-marks">
          {room.revoked ? (
            <span className="ext ext-danger">Access revoked</span>
          ) : (
            <span className={room.online ? 'ext' : 'muted'} data-testid="room-presence">
              {presence(room)}
            </span>
          )}
          {room.hidden && <HiddenMark />}
          {room.autoJoin && (
            <span className="ext" title="Its screen joins the meetings it is invited to when they start">
              Joins automatically
            </span>
          )}
        </span>
      </td>
      <td>
        <div className="row-actions admin-actions">
          {can.manage &&
            !room.revoked &&
            action('Edit', async () => setEditing(editing === 'edit' ? null : 'edit'))}
          {can.manage &&
            !room.revoked &&
            action(room.autoJoin ? 'Turn off automatic join' : 'Turn on automatic join', async () =>
              onChanged(await updateRoomSystem(room.id, { autoJoin: !room.autoJoin })),
            )}
          {can.hide &&
            action(room.hidden ? 'Show in directory' : 'Hide from directory', async () =>
              onChanged(await updateRoomSystem(room.id, { hidden: !room.hidden })),
            )}
          {can.manage &&
            (room.revoked ? (
              action('Restore access', async () => setEditing('restore'))
            ) : (
              <Button
                variant="ghost"
                size="sm"
                disabled={actions.busy !== null}
                aria-label={`Revoke access, ${room.name}`}
                onClick={() => setConfirmRevoke(true)}
              >
                <span aria-hidden="true">Revoke access</span>
              </Button>
            ))}
          {can.manage && (
            <DeleteWithConfirmation
              name={room.name}
              message={`${room.name} is removed, and its screen goes back to showing a pairing code at once, leaving any meeting it is in. Usage reports keep its time as a deleted room system.`}
              confirm="Delete room system"
              actions={actions}
              onDelete={async () => {
                await deleteRoomSystem(room.id);
                onDeleted(room.id);
              }}
            />
          )}
        </div>
        <ConfirmDialog
          open={confirmRevoke}
          title={`Revoke ${room.name}?`}
          message="Its screen leaves any meeting it is in and goes back to showing a pairing code within seconds. To restore it, enter a new code from its screen."
          confirm="Revoke access"
          onConfirm={() => void run('Revoke access', async () => onChanged(await revokeRoomSystem(room.id)))}
          onClose={() => setConfirmRevoke(false)}
        />
        {editing === 'edit' && (
          <form className="admin-inline-form" onSubmit={save}>
            <TextField
              label="Room name"
              value={name}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
            />
            <PersonSelect
              id={personId}
              people={people}
              value={person}
              onChange={(e) => setPerson(e.target.value)}
            />
            <Button type="submit" size="sm" variant="primary" busy={actions.busy === 'Save'}>
              Save
            </Button>
          </form>
        )}
        {editing === 'restore' && (
          <form className="admin-inline-form" onSubmit={restore}>
            <TextField
              label="Pairing code from its screen"
              value={code}
              autoComplete="off"
              maxLength={16}
              onChange={(e) => setCode(e.target.value)}
            />
            <Button type="submit" size="sm" variant="primary" busy={actions.busy === 'Restore'}>
              Pair again
            </Button>
          </form>
        )}
      </td>
    </tr>
  );
}
