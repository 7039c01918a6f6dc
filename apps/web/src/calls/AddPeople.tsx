import type { DirectoryUserEntry } from '@conclave/protocol';
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

/**
 * MEET-ADD, in the Participants panel of a moderator: find a person in the directory and ring them
 * into this meeting, or copy its invite link. The server checks that the person may ring them in.
 */
export function AddPeople({ meetingId, joinUrl }: { meetingId: string; joinUrl: string }) {
  const calls = useCalls();
  const self = useSession().session?.user.id;
  const errorText = useApiErrorText();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DirectoryUserEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    searchDirectory({ q: query.trim(), kind: 'user' }).then(
      (view) =>
        setFound(view.entries.filter((x): x is DirectoryUserEntry => x.kind === 'user' && x.id !== self)),
      (err: unknown) => setError(errorText(err)),
    );
  };
  const ring = (person: DirectoryUserEntry) =>
    calls?.ringInto({ id: person.id, name: person.displayName }, meetingId).catch((err: unknown) => {
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
          <TextField label="Search people" value={query} onChange={(e) => setQuery(e.target.value)} />
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
          {found.map((p) => (
            <li key={p.id} className="add-people-row">
              <bdi>{p.displayName}</bdi>
              <Button size="sm" variant="primary" onClick={() => void ring(p)}>
                Ring {p.displayName}
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
