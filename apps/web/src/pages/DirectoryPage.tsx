import {
  DIRECTORY_LIMIT,
  type DirectoryEntry,
  type DirectoryMeetingEntry,
  type DirectoryRoomEntry,
  type DirectoryUserEntry,
  type DirectoryView,
  type Role,
} from '@conclave/protocol';
import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import { Link } from 'react-router';
import { searchDirectory, updateMeeting, updateRoomSystem, updateUser } from '../api/endpoints';
import { useApiErrorText, useSession } from '../app/session';
import { useCalls } from '../calls/CallProvider';
import { Alert, Button, Spinner, TextField, avatarHue, initials } from '../ui/components';
import { HiddenMark, MeetingMarks } from '../ui/marks';
import { AppLayout } from './AppLayout';

/** Typing is searched once it pauses this long, not at every key. */
const SEARCH_DELAY_MS = 250;

const ROLE_NAMES: Record<Role, string | null> = {
  user: null,
  superuser: 'Superuser',
  administrator: 'Administrator',
};

/** MEET-DIRECTORY: the people and meetings of the organisation, searched as one types. */
export function DirectoryPage() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<DirectoryView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const handle = useApiErrorText();

  useEffect(() => {
    let cancelled = false;
    const q = text.trim();
    // Never fails: a refusal is shown instead of the results.
    const run = () =>
      void searchDirectory({ q }).then(
        (r) => {
          if (cancelled) return;
          setResult(r);
          setError(null);
        },
        (err: unknown) => !cancelled && setError(handle(err)),
      );
    const timer = setTimeout(run, q ? SEARCH_DELAY_MS : 0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text, handle]);

  // Hiding or showing changes the entry in place: whoever may do it still sees it, marked.
  const replace = (entry: DirectoryEntry) =>
    setResult(
      (r) =>
        r && {
          ...r,
          entries: r.entries.map((e) => (e.kind === entry.kind && e.id === entry.id ? entry : e)),
        },
    );

  const people = result?.entries.filter((e): e is DirectoryUserEntry => e.kind === 'user');
  const meetings = result?.entries.filter((e): e is DirectoryMeetingEntry => e.kind === 'meeting');
  const rooms = result?.entries.filter((e): e is DirectoryRoomEntry => e.kind === 'room') ?? [];

  return (
    <AppLayout title="Directory" intro="The people, meetings and room systems of your organisation.">
      <div className="card directory-search" role="search">
        <TextField
          label="Search the directory"
          type="search"
          placeholder="Name, email, meeting or extension"
          maxLength={100}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>

      {error && <Alert>{error}</Alert>}
      {!result && !error && (
        <div className="empty">
          <Spinner label="Searching the directory" />
        </div>
      )}
      {people && meetings && (
        <>
          <ResultGroup
            title="People"
            count={people.length}
            truncated={result?.truncated.includes('user') ?? false}
            none="No one matches."
          >
            {people.map((p) => (
              <PersonRow key={p.id} person={p} onChanged={replace} onError={handle} />
            ))}
          </ResultGroup>
          <ResultGroup
            title="Meetings"
            count={meetings.length}
            truncated={result?.truncated.includes('meeting') ?? false}
            none="No meetings match."
          >
            {meetings.map((m) => (
              <MeetingEntryRow key={m.id} meeting={m} onChanged={replace} onError={handle} />
            ))}
          </ResultGroup>
          <ResultGroup
            title="Room systems"
            count={rooms.length}
            truncated={result?.truncated.includes('room') ?? false}
            none="No room systems match."
          >
            {rooms.map((r) => (
              <RoomEntryRow key={r.id} room={r} onChanged={replace} onError={handle} />
            ))}
          </ResultGroup>
        </>
      )}
    </AppLayout>
  );
}

function ResultGroup({
  title,
  count,
  truncated,
  none,
  children,
}: {
  title: string;
  count: number;
  truncated: boolean;
  none: string;
  children: ReactNode;
}) {
  const id = `directory-${title.toLowerCase()}`;
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id}>{title}</h2>
        <span className="count-badge">{truncated ? `${DIRECTORY_LIMIT}+` : count}</span>
      </div>
      {count === 0 ? <p className="empty">{none}</p> : <ul className="meeting-list">{children}</ul>}
      {truncated && (
        <p className="muted directory-more">
          Showing the first {DIRECTORY_LIMIT}. Type more of a name to find the rest.
        </p>
      )}
    </section>
  );
}

function PersonRow({
  person,
  onChanged,
  onError,
}: {
  person: DirectoryUserEntry;
  onChanged: (entry: DirectoryEntry) => void;
  onError: (err: unknown) => string;
}) {
  const role = ROLE_NAMES[person.role];
  return (
    <li className="meeting-row" data-testid="directory-person" data-user-id={person.id}>
      <span
        className="avatar avatar-sm"
        style={{ '--hue': avatarHue(person.id) } as CSSProperties}
        aria-hidden="true"
      >
        {initials(person.displayName)}
      </span>
      <div className="meeting-main">
        <h3 className="meeting-name">
          <bdi>{person.displayName}</bdi>
        </h3>
        <div className="meeting-meta">
          {role && <span className="ext">{role}</span>}
          {person.hidden && <HiddenMark />}
          <span className="directory-email">{person.email}</span>
        </div>
      </div>
      <div className="row-actions">
        <CallButton person={person} />
        {person.canHide && (
          <HideButton
            name={person.displayName}
            hidden={person.hidden}
            change={async (hidden) => onChanged(await updateUser(person.id, { hidden }))}
            onError={onError}
          />
        )}
      </div>
    </li>
  );
}

/** MEET-CALL: rings the person's open clients; not shown for oneself. */
function CallButton({ person }: { person: DirectoryUserEntry }) {
  const calls = useCalls();
  const self = useSession().session?.user.id;
  if (!calls || person.id === self) return null;
  return (
    <Button
      size="sm"
      variant="primary"
      aria-label={`Call ${person.displayName}`}
      onClick={() => calls.call({ id: person.id, name: person.displayName })}
    >
      Call
    </Button>
  );
}

function MeetingEntryRow({
  meeting,
  onChanged,
  onError,
}: {
  meeting: DirectoryMeetingEntry;
  onChanged: (entry: DirectoryEntry) => void;
  onError: (err: unknown) => string;
}) {
  return (
    <li className="meeting-row" data-testid="directory-meeting" data-meeting-id={meeting.id}>
      <div className="meeting-main">
        <h3 className="meeting-name">{meeting.name}</h3>
        <div className="meeting-meta">
          <span>
            by <bdi>{meeting.ownerName}</bdi>
          </span>
          <MeetingMarks meeting={meeting} />
        </div>
        {meeting.description && <p className="muted directory-description">{meeting.description}</p>}
      </div>
      <div className="row-actions">
        {meeting.canHide && (
          <HideButton
            name={meeting.name}
            hidden={meeting.hidden}
            change={async (hidden) => {
              const view = await updateMeeting(meeting.id, { hidden });
              onChanged({ ...meeting, hidden: view.hidden });
            }}
            onError={onError}
          />
        )}
        <Link to={`/m/${meeting.id}`} className="btn btn-primary btn-sm" aria-label={`Join ${meeting.name}`}>
          Join
        </Link>
      </div>
    </li>
  );
}

/** ADM-ROOMS: a meeting room's screen, and whom it belongs with. */
function RoomEntryRow({
  room,
  onChanged,
  onError,
}: {
  room: DirectoryRoomEntry;
  onChanged: (entry: DirectoryEntry) => void;
  onError: (err: unknown) => string;
}) {
  return (
    <li className="meeting-row" data-testid="directory-room" data-room-id={room.id}>
      <div className="meeting-main">
        <h3 className="meeting-name">
          <bdi>{room.name}</bdi>
        </h3>
        <div className="meeting-meta">
          <span className="ext">Room system</span>
          {room.hidden && <HiddenMark />}
          {room.associatedUserName && (
            <span>
              with <bdi>{room.associatedUserName}</bdi>
            </span>
          )}
        </div>
      </div>
      <div className="row-actions">
        {room.canHide && (
          <HideButton
            name={room.name}
            hidden={room.hidden}
            change={async (hidden) => {
              const view = await updateRoomSystem(room.id, { hidden });
              onChanged({ ...room, hidden: view.hidden });
            }}
            onError={onError}
          />
        )}
      </div>
    </li>
  );
}

/** "Hide" or "Show", named after the entry for screen readers ("Hide Bob"). */
function HideButton({
  name,
  hidden,
  change,
  onError,
}: {
  name: string;
  hidden: boolean;
  change: (hidden: boolean) => Promise<void>;
  onError: (err: unknown) => string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const verb = hidden ? 'Show' : 'Hide';
  // Shows its own errors, so the button need not wait for it.
  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await change(!hidden);
    } catch (err) {
      setError(onError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {error && <span className="field-error">{error}</span>}
      <Button
        variant="ghost"
        size="sm"
        busy={busy}
        aria-label={`${verb} ${name}`}
        title={hidden ? 'Show in the directory' : 'Hide from the directory'}
        onClick={() => void toggle()}
      >
        <span aria-hidden="true">{verb}</span>
      </Button>
    </>
  );
}
