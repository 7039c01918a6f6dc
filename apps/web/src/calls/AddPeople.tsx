import type { DirectoryRoomEntry, DirectoryUserEntry } from '@conclave/protocol';
import { useState, type FormEvent } from 'react';
import { searchDirectory } from '../api/endpoints';
import { useApiErrorText, useSession } from '../app/session';
import { Button, CopyButton, TextField } from '../ui/components';
import { useCalls } from './CallProvider';
import type { RungPerson } from './callState';

const STATUS: Record<RungPerson['status'], string> = {
  ringing: 'ringing…',
  accepted: 'accepted, joining',
  declined: 'declined',
  missed: 'did not answer',
  cancelled: 'cancelled',
  answered_elsewhere: 'accepted, joining',
};

/** Whom a moderator can ring in: a person, or a meeting room's screen. */
interface Callee {
  id: string;
  name: string;
  kind: 'user' | 'room';
}

const calleeOf = (e: DirectoryUserEntry | DirectoryRoomEntry): Callee =>
  e.kind === 'user'
    ? { id: e.id, name: e.displayName, kind: 'user' }
    : { id: e.id, name: e.name, kind: 'room' };

/**
 * MEET-ADD, in the Participants panel of a moderator: find a person or a room system in the directory
 * and ring them into this meeting, or copy its invite link. The server checks that the person may
 * ring them in.
 */
export function AddPeople({ meetingId, joinUrl }: { meetingId: string; joinUrl: string }) {
  const calls = useCalls();
  const self = useSession().session?.user.id;
  const errorText = useApiErrorText();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Callee[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const q = query.trim();
    Promise.all([searchDirectory({ q, kind: 'user' }), searchDirectory({ q, kind: 'room' })]).then(
      (views) =>
        setFound(
          views
            .flatMap((view) => view.entries)
            .filter(
              (x): x is DirectoryUserEntry | DirectoryRoomEntry =>
                (x.kind === 'user' && x.id !== self) || x.kind === 'room',
            )
            .map(calleeOf),
        ),
      (err: unknown) => setError(errorText(err)),
    );
  };
  const ring = (callee: Callee) =>
    calls?.ringInto(callee, meetingId).catch((err: unknown) => {
      setError(errorText(err));
    });

  return (
    <section className="panel-section" aria-label="Add people">
      <div className="panel-actions">
        <CopyButton text={joinUrl} label="Copy link to invite" variant="ghost-dark" />
        {calls && (
          <Button size="sm" variant="ghost-dark" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            Add people
          </Button>
        )}
      </div>
      {open && calls && (
        <form onSubmit={search} className="add-people">
          <TextField
            label="Search people and rooms"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <Button size="sm" variant="ghost-dark" type="submit">
            Search
          </Button>
        </form>
      )}
      {error && (
        <p role="alert" className="muted-dark">
          {error}
        </p>
      )}
      {open && found && (
        <ul className="panel-list" aria-label="People found">
          {found.length === 0 && <li className="muted-dark">Nobody found</li>}
          {found.map((c) => (
            <li key={c.id} className="add-people-row">
              <span>
                <bdi>{c.name}</bdi>
                {c.kind === 'room' && <span className="muted-dark"> · Room system</span>}
              </span>
              <Button size="sm" variant="primary" onClick={() => void ring(c)}>
                Ring {c.name}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {calls && calls.rung.length > 0 && (
        <ul className="panel-list" aria-label="Rung" role="status">
          {calls.rung.map((r) => (
            <li key={r.callId}>
              <bdi>{r.name}</bdi>: {STATUS[r.status]}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
