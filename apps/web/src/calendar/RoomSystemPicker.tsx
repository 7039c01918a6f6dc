import {
  MAX_MEETING_ROOM_SYSTEMS,
  type DirectoryRoomEntry,
  type MeetingRoomSystem,
} from '@conclave/protocol';
import { useEffect, useId, useState } from 'react';
import { searchDirectory } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Button, TextField } from '../ui/components';

/** Typing is searched once it pauses this long, as in the directory. */
const SEARCH_DELAY_MS = 250;

/**
 * "Book meeting rooms" beside "Invite people" (ADM-ROOMS, ADM-CALENDAR): the organisation's room
 * systems as the directory lists them to the caller (a hidden one only to those who may show it
 * again), listed before anything is typed, since an organisation has few. Their screens then show the
 * meeting on its day.
 */
export function RoomSystemPicker({
  chosen,
  onChange,
  disabled = false,
}: {
  chosen: MeetingRoomSystem[];
  onChange: (rooms: MeetingRoomSystem[]) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const errorText = useApiErrorText();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DirectoryRoomEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const q = query.trim();
    const timer = setTimeout(
      () =>
        void searchDirectory({ q, kind: 'room' }).then(
          (view) => {
            if (cancelled) return;
            setError(null);
            setFound(view.entries.filter((e): e is DirectoryRoomEntry => e.kind === 'room'));
          },
          (err: unknown) => !cancelled && setError(errorText(err)),
        ),
      q ? SEARCH_DELAY_MS : 0,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, errorText]);

  const picked = new Set(chosen.map((r) => r.id));
  const full = chosen.length >= MAX_MEETING_ROOM_SYSTEMS;
  // Without any room system, and nothing typed, there is nothing to offer.
  if (found?.length === 0 && query === '' && chosen.length === 0) return null;
  return (
    <div className="invitee-picker" data-testid="room-picker">
      <TextField
        label="Book meeting rooms"
        type="search"
        placeholder="Room name"
        maxLength={100}
        value={query}
        disabled={disabled}
        hint={
          full
            ? `At most ${MAX_MEETING_ROOM_SYSTEMS} rooms.`
            : 'Their room systems show the meeting on its day, to join with one touch.'
        }
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <Alert>{error}</Alert>}
      {found && (
        <ul className="chat-people" aria-label="Rooms found">
          {found.length === 0 && <li className="muted">No room found.</li>}
          {found.map((r) => (
            <li key={r.id} className="chat-person">
              <span>
                <bdi>{r.name}</bdi>
                {r.associatedUserName && (
                  <>
                    {' '}
                    <span className="muted">
                      <bdi>{r.associatedUserName}</bdi>
                    </span>
                  </>
                )}
              </span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`${picked.has(r.id) ? 'Booked' : 'Book'} ${r.name}`}
                disabled={disabled || picked.has(r.id) || full}
                onClick={() => onChange([...chosen, { id: r.id, name: r.name }])}
              >
                {picked.has(r.id) ? 'Booked' : 'Book'}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {chosen.length > 0 && (
        <>
          <p className="rec-people-title" id={`${id}-chosen`}>
            Rooms booked
          </p>
          <ul className="chat-people" aria-labelledby={`${id}-chosen`}>
            {chosen.map((r) => (
              <li key={r.id} className="chat-person">
                <bdi>{r.name}</bdi>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove ${r.name}`}
                  disabled={disabled}
                  onClick={() => onChange(chosen.filter((x) => x.id !== r.id))}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
