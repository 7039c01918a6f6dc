import type { LobbyMode, MeetingInvitee, MeetingRoomSystem, MeetingView } from '@conclave/protocol';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  createMeeting,
  deleteMeeting,
  listMeetings,
  removeMeetingPasscode,
  setMeetingPasscode,
  updateMeeting,
} from '../api/endpoints';
import { useApiErrorText, useSession } from '../app/session';
import { Alert, Button, Checkbox, CopyButton, Spinner, TextField } from '../ui/components';
import { E2eeSwitch } from '../ui/e2ee';
import { LobbySelect } from '../ui/lobby';
import { MeetingMarks } from '../ui/marks';
import { isPasscode, PasscodeField, PASSCODE_RULE } from '../ui/passcode';
import { CalendarIcon, MailIcon, PencilIcon, PlusIcon, TrashIcon } from '../ui/icons';
import { MissedCallsCard } from '../calls/MissedCallsCard';
import { InviteDialog } from '../calendar/InviteDialog';
import { InviteePicker } from '../calendar/InviteePicker';
import { ScheduleFields } from '../calendar/ScheduleFields';
import { describeSchedule, draftOf, scheduleOf } from '../calendar/schedule';
import { AppLayout } from './AppLayout';

export function HomePage() {
  const session = useSession();
  const [meetings, setMeetings] = useState<MeetingView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const handle = useApiErrorText();

  useEffect(() => {
    let cancelled = false;
    listMeetings().then(
      (r) => !cancelled && setMeetings(r.meetings),
      (err: unknown) => !cancelled && setLoadError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  const firstName = session.session?.user.displayName.split(/\s+/)[0] ?? '';

  return (
    <AppLayout
      title="Meetings"
      intro={
        <>
          {firstName && (
            <>
              Hi <bdi>{firstName}</bdi>.{' '}
            </>
          )}
          Create a meeting, share its link, and join from any browser.
        </>
      }
    >
      <MissedCallsCard />
      <CreateMeetingCard onCreated={(m) => setMeetings((list) => [m, ...(list ?? [])])} onError={handle} />

      <section className="card meeting-list-card" aria-labelledby="my-meetings">
        <div className="card-header">
          <h2 id="my-meetings">Your meetings</h2>
          {meetings && <span className="count-badge">{meetings.length}</span>}
        </div>
        {loadError && <Alert>{loadError}</Alert>}
        {!meetings && !loadError && (
          <div className="empty">
            <Spinner label="Loading meetings" />
          </div>
        )}
        {meetings?.length === 0 && (
          <div className="empty">
            <CalendarIcon size={32} />
            <p>
              No meetings yet. Create one above; it keeps its link until you delete it. Meetings you are
              invited to show here too.
            </p>
          </div>
        )}
        {meetings && meetings.length > 0 && (
          <ul className="meeting-list">
            {meetings.map((m) => (
              <MeetingRow
                key={m.id}
                meeting={m}
                onChanged={(updated) =>
                  setMeetings((list) => list?.map((x) => (x.id === updated.id ? updated : x)) ?? null)
                }
                onDeleted={() => setMeetings((list) => list?.filter((x) => x.id !== m.id) ?? null)}
                onError={handle}
              />
            ))}
          </ul>
        )}
      </section>
    </AppLayout>
  );
}

function CreateMeetingCard({
  onCreated,
  onError,
}: {
  onCreated: (m: MeetingView) => void;
  onError: (err: unknown) => string;
}) {
  const [name, setName] = useState('');
  const [e2ee, setE2ee] = useState(false);
  const [oneTime, setOneTime] = useState(false);
  const [lobby, setLobby] = useState<LobbyMode>('off');
  const [schedule, setSchedule] = useState(() => draftOf(null));
  const [invitees, setInvitees] = useState<MeetingInvitee[]>([]);
  const [rooms, setRooms] = useState<MeetingRoomSystem[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [scheduleError, setScheduleError] = useState<string | undefined>();
  const self = useSession().session?.user.id ?? '';
  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Enter a name for the meeting');
      return;
    }
    const when = scheduleOf(schedule);
    if (when && 'error' in when) {
      setScheduleError(when.error);
      return;
    }
    setBusy(true);
    setError(undefined);
    setScheduleError(undefined);
    try {
      onCreated(
        await createMeeting({
          name: name.trim(),
          e2ee,
          oneTime,
          lobby,
          ...(when && { schedule: when }),
          ...(invitees.length > 0 && { inviteeIds: invitees.map((p) => p.id) }),
          ...(rooms.length > 0 && { roomSystemIds: rooms.map((r) => r.id) }),
        }),
      );
      setName('');
      setE2ee(false);
      setOneTime(false);
      setLobby('off');
      setSchedule(draftOf(null));
      setInvitees([]);
      setRooms([]);
    } catch (err) {
      setError(onError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card create-card" aria-labelledby="new-meeting">
      <h2 id="new-meeting">New meeting</h2>
      <form className="create-form" aria-labelledby="new-meeting" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Meeting name"
          name="meetingName"
          placeholder="e.g. Weekly team sync"
          maxLength={120}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error}
        />
        <E2eeSwitch checked={e2ee} onChange={setE2ee} disabled={busy} />
        <Checkbox
          label="One-time meeting: deleted after it took place, its link then dead"
          checked={oneTime}
          onChange={setOneTime}
          disabled={busy}
        />
        <LobbySelect value={lobby} onChange={setLobby} disabled={busy} />
        <ScheduleFields value={schedule} onChange={setSchedule} error={scheduleError} disabled={busy} />
        <InviteePicker
          owner={self}
          chosen={invitees}
          onChange={setInvitees}
          rooms={rooms}
          onRoomsChange={setRooms}
          disabled={busy}
        />
        <Button type="submit" variant="primary" busy={busy}>
          <PlusIcon size={18} />
          Create meeting
        </Button>
      </form>
    </section>
  );
}

function MeetingRow({
  meeting,
  onChanged,
  onDeleted,
  onError,
}: {
  meeting: MeetingView;
  onChanged: (m: MeetingView) => void;
  onDeleted: () => void;
  onError: (err: unknown) => string;
}) {
  const [mode, setMode] = useState<'view' | 'edit' | 'delete' | 'invite'>('view');
  const [name, setName] = useState(meeting.name);
  const [e2ee, setE2ee] = useState(meeting.e2ee);
  const [hidden, setHidden] = useState(meeting.hidden);
  const [lobby, setLobby] = useState<LobbyMode>(meeting.lobby);
  const [recordingByModerators, setRecordingByModerators] = useState(meeting.recordingByModerators);
  const [schedule, setSchedule] = useState(() => draftOf(meeting.schedule));
  const [invitees, setInvitees] = useState<MeetingInvitee[]>(meeting.invitees);
  const [rooms, setRooms] = useState<MeetingRoomSystem[]>(meeting.roomSystems);
  const [scheduleError, setScheduleError] = useState<string | undefined>();
  /** A new passcode typed in; empty keeps what the meeting has. */
  const [passcode, setPasscode] = useState('');
  const [removePasscode, setRemovePasscode] = useState(false);
  const [passcodeError, setPasscodeError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (mode === 'edit') nameRef.current?.select();
  }, [mode]);

  // Shows its own errors, so the form handler need not wait for it.
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError('Enter a name');
      return;
    }
    if (passcode !== '' && !isPasscode(passcode)) {
      setPasscodeError(PASSCODE_RULE);
      return;
    }
    const when = scheduleOf(schedule);
    if (when && 'error' in when) {
      setScheduleError(when.error);
      return;
    }
    setBusy(true);
    setScheduleError(undefined);
    setNameError(undefined);
    setPasscodeError(undefined);
    setError(undefined);
    try {
      // E2EE is sent only when it changes: that is refused while the meeting is in progress, a rename is not.
      const changes = {
        name: name.trim(),
        ...(e2ee !== meeting.e2ee && { e2ee }),
        ...(hidden !== meeting.hidden && { hidden }),
        ...(lobby !== meeting.lobby && { lobby }),
        ...(recordingByModerators !== meeting.recordingByModerators && { recordingByModerators }),
        schedule: when,
        inviteeIds: invitees.map((p) => p.id),
        roomSystemIds: rooms.map((r) => r.id),
      };
      let view = await updateMeeting(meeting.id, changes);
      if (passcode !== '') view = await setMeetingPasscode(meeting.id, passcode);
      else if (removePasscode) view = await removeMeetingPasscode(meeting.id);
      onChanged(view);
      setPasscode('');
      setRemovePasscode(false);
      setMode('view');
    } catch (err) {
      setError(onError(err));
    } finally {
      setBusy(false);
    }
  };

  // Shows its own errors, so the button need not wait for it.
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await deleteMeeting(meeting.id);
      onDeleted();
    } catch (err) {
      setError(onError(err));
      setBusy(false);
    }
  };

  return (
    <li className="meeting-row" data-testid="meeting-row" data-meeting-id={meeting.id}>
      {mode === 'edit' ? (
        <form
          className="edit-form"
          aria-label={`Edit ${meeting.name}`}
          onSubmit={(e) => void save(e)}
          onKeyDown={(e) => e.key === 'Escape' && setMode('view')}
          noValidate
        >
          <TextField
            ref={nameRef}
            label="Name"
            value={name}
            maxLength={120}
            onChange={(e) => setName(e.target.value)}
            error={nameError}
          />
          <E2eeSwitch checked={e2ee} onChange={setE2ee} disabled={busy} />
          <LobbySelect value={lobby} onChange={setLobby} disabled={busy} />
          <PasscodeField
            label={meeting.hasPasscode ? 'New passcode' : 'Passcode'}
            value={passcode}
            onChange={setPasscode}
            error={passcodeError}
            hint={
              meeting.hasPasscode
                ? 'This meeting has a passcode. Type a new one to change it.'
                : 'Optional: 4 to 12 digits that everyone but you and administrators must enter to join.'
            }
            disabled={busy || removePasscode}
          />
          {!meeting.oneTime && (
            <Checkbox
              label="Hidden from the directory"
              checked={hidden}
              onChange={setHidden}
              disabled={busy}
            />
          )}
          {/* REC-START: the owner's choice; an E2EE meeting is never recorded (E2EE-LIMITS). */}
          {!e2ee && (
            <Checkbox
              label="Moderators may start and stop recordings"
              checked={recordingByModerators}
              onChange={setRecordingByModerators}
              disabled={busy}
            />
          )}
          <ScheduleFields value={schedule} onChange={setSchedule} error={scheduleError} disabled={busy} />
          <InviteePicker
            owner={meeting.ownerId}
            chosen={invitees}
            onChange={setInvitees}
            rooms={rooms}
            onRoomsChange={setRooms}
            disabled={busy}
          />
          {meeting.hasPasscode && (
            <Checkbox
              label="Remove the passcode"
              checked={removePasscode}
              onChange={setRemovePasscode}
              disabled={busy}
            />
          )}
          {error && <Alert>{error}</Alert>}
          <div className="row-actions">
            <Button type="submit" variant="primary" size="sm" busy={busy}>
              Save
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setMode('view')}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          <div className="meeting-main">
            <h3 className="meeting-name">{meeting.name}</h3>
            {meeting.schedule && (
              <p className="meeting-when">
                <time dateTime={meeting.schedule.startsAt}>{describeSchedule(meeting.schedule)}</time>
              </p>
            )}
            {meeting.roomSystems.length > 0 && (
              <p className="meeting-when" data-testid="meeting-rooms">
                In <bdi>{meeting.roomSystems.map((r) => r.name).join(', ')}</bdi>
              </p>
            )}
            <div className="meeting-meta">
              {!meeting.canManage && (
                <span className="ext ext-invited" title="You are invited: only its organiser changes it">
                  Invited
                </span>
              )}
              <MeetingMarks meeting={meeting} />
              <span className="join-url" title={meeting.joinUrl}>
                {meeting.joinUrl}
              </span>
            </div>
            {error && <p className="field-error">{error}</p>}
          </div>
          {mode === 'delete' ? (
            <div className="row-actions confirm" role="group" aria-label={`Confirm deleting ${meeting.name}`}>
              <span className="confirm-text">Delete this meeting and its link?</span>
              <Button variant="danger" size="sm" busy={busy} onClick={() => void remove()}>
                Delete meeting
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setMode('view')}>
                Cancel
              </Button>
            </div>
          ) : (
            <div className="row-actions">
              <CopyButton text={meeting.joinUrl} label="Copy link" />
              <Button
                variant="ghost"
                size="sm"
                aria-label={`Invite to ${meeting.name}`}
                title="Invitation to send"
                onClick={() => setMode('invite')}
              >
                <MailIcon size={16} />
                <span aria-hidden="true">Invite</span>
              </Button>
              {meeting.canManage && (
                <>
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Edit ${meeting.name}`}
                    title="Edit"
                    onClick={() => {
                      setName(meeting.name);
                      setE2ee(meeting.e2ee);
                      setHidden(meeting.hidden);
                      setLobby(meeting.lobby);
                      setSchedule(draftOf(meeting.schedule));
                      setInvitees(meeting.invitees);
                      setRooms(meeting.roomSystems);
                      setScheduleError(undefined);
                      setNameError(undefined);
                      setError(undefined);
                      setMode('edit');
                    }}
                  >
                    <PencilIcon size={16} />
                    <span aria-hidden="true">Edit</span>
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    className="btn-icon-danger"
                    aria-label={`Delete ${meeting.name}`}
                    title="Delete"
                    onClick={() => setMode('delete')}
                  >
                    <TrashIcon size={16} />
                    <span aria-hidden="true">Delete</span>
                  </Button>
                </>
              )}
              <Link
                to={`/m/${meeting.id}`}
                className="btn btn-primary btn-sm"
                aria-label={`Join ${meeting.name}`}
              >
                Join
              </Link>
            </div>
          )}
          {mode === 'invite' && <InviteDialog meeting={meeting} onClose={() => setMode('view')} />}
        </>
      )}
    </li>
  );
}
