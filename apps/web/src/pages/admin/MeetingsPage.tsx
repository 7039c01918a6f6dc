import { DIRECTORY_LIMIT, type DirectoryMeetingEntry } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { searchDirectory } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert, Spinner, TextField } from '../../ui/components';
import { AdminTable } from './AdminTable';
import { MeetingRow } from './MeetingRow';

/** Typing is searched once it pauses this long, not at every key (as on the directory page). */
const SEARCH_DELAY_MS = 250;

interface Found {
  meetings: DirectoryMeetingEntry[];
  truncated: boolean;
}

/**
 * ADM, MEET-HIDE: every meeting of the organisation, hidden ones too, searched as one types; a
 * Superuser or Administrator renames, hides or shows, removes the passcode of, or deletes any of them.
 */
export function MeetingsPage() {
  const handle = useApiErrorText();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const q = text.trim();
    // Never fails: a refusal is shown instead of the table.
    const run = () =>
      void searchDirectory({ q, kind: 'meeting' }).then(
        (r) => {
          if (cancelled) return;
          const meetings = r.entries.filter((e): e is DirectoryMeetingEntry => e.kind === 'meeting');
          setFound({ meetings, truncated: r.truncated.includes('meeting') });
          setLoadError(null);
        },
        (err: unknown) => !cancelled && setLoadError(handle(err)),
      );
    const timer = setTimeout(run, q ? SEARCH_DELAY_MS : 0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text, handle]);

  const changed = (meeting: DirectoryMeetingEntry) =>
    setFound((f) => f && { ...f, meetings: f.meetings.map((m) => (m.id === meeting.id ? meeting : m)) });
  const deleted = (id: string) =>
    setFound((f) => f && { ...f, meetings: f.meetings.filter((m) => m.id !== id) });
  const failed = useCallback((err: unknown) => setActionError(err ? handle(err) : null), [handle]);

  const meetings = found?.meetings;
  return (
    <section className="card" aria-labelledby="admin-meetings">
      <div className="card-header">
        <h2 id="admin-meetings">Meetings</h2>
        {found && (
          <span className="count-badge">
            {found.truncated ? `${DIRECTORY_LIMIT}+` : found.meetings.length}
          </span>
        )}
      </div>
      <div className="admin-filters admin-search" role="search">
        <TextField
          label="Search meetings"
          type="search"
          placeholder="Name, description or extension"
          maxLength={100}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {loadError && <Alert>{loadError}</Alert>}
      {actionError && <Alert>{actionError}</Alert>}
      {!found && !loadError && (
        <div className="empty">
          <Spinner label="Loading the meetings" />
        </div>
      )}
      {meetings?.length === 0 && (
        <p className="empty">{text.trim() ? 'No meetings match.' : 'No one has created a meeting yet.'}</p>
      )}
      {meetings && meetings.length > 0 && (
        <AdminTable columns={['Name', 'Owner', 'Extension', 'Details', '']}>
          {meetings.map((m) => (
            <MeetingRow key={m.id} meeting={m} onChanged={changed} onDeleted={deleted} onError={failed} />
          ))}
        </AdminTable>
      )}
      {found?.truncated && (
        <p className="muted admin-more">
          Showing the first {DIRECTORY_LIMIT}. Type more of a name to find the rest.
        </p>
      )}
    </section>
  );
}
