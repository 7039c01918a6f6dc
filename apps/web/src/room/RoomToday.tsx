import { ROOM_DAY_POLL_MS, type RoomDayMeeting, type RoomDayView } from '@conclave/protocol';
import { useEffect, useState } from 'react';
import { getRoomDay } from '../api/endpoints';
import type { MeetingChoice } from './JoinPanel';

/** Where the screen remembers which meetings it joined already, so it joins none of them by itself again. */
const JOINED_KEY = 'conclave.room.joined';

/** A meeting of the day as the screen shows it now. */
type When = 'over' | 'now' | 'next' | 'later';

/**
 * "Today" on a room screen (ADM-CALENDAR, ADM-ROOMS): the meetings this room system is invited to
 * that overlap the screen's local day, each with a one-touch "Join", the one under way (or else the
 * next) highlighted. With automatic join on (Administration → Room systems) the screen joins a
 * meeting by itself when it starts, once: a meeting it joined before, by itself or by a touch, is not
 * joined again after the people in the room left it. A meeting with a passcode asks for it on the
 * number pad, as for anyone invited.
 */
export function RoomToday({
  onJoin,
  onAskPasscode,
}: {
  onJoin: (choice: MeetingChoice) => Promise<void>;
  onAskPasscode: (choice: Omit<MeetingChoice, 'passcode'>) => void;
}) {
  const day = useRoomDay();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const join = (m: RoomDayMeeting) => {
    rememberJoined(m);
    const choice = { meetingId: m.id, name: m.name };
    if (m.hasPasscode) onAskPasscode(choice);
    else void onJoin(choice);
  };

  // Automatic join: the first meeting under way that this screen has not joined before.
  const due =
    day?.autoJoin === true
      ? day.meetings.find((m) => whenOf(m, now) === 'now' && !joinedBefore(m))
      : undefined;
  // Run when another meeting becomes due (`join` is made anew each render); asked again whether it
  // was joined meanwhile, so that no meeting is joined twice.
  useEffect(() => {
    if (due && !joinedBefore(due)) join(due);
  }, [due?.id]);

  if (!day) return null;
  const highlighted =
    day.meetings.find((m) => whenOf(m, now) === 'now') ??
    day.meetings.find((m) => whenOf(m, now) === 'later');
  return (
    <section className="room-today" aria-labelledby="room-today-title" data-testid="room-today">
      <h2 id="room-today-title" className="room-today-title">
        Today in this room
        {day.autoJoin && <span className="room-today-auto">Joins automatically</span>}
      </h2>
      {day.meetings.length === 0 ? (
        <p className="room-muted">No meetings booked for this room today.</p>
      ) : (
        <ol className="room-agenda">
          {day.meetings.map((m) => {
            const state = whenOf(m, now);
            const shown: When = m === highlighted && state === 'later' ? 'next' : state;
            return (
              <li
                key={m.id}
                className={`room-agenda-item room-agenda-${shown}`}
                data-testid="room-today-meeting"
                data-when={shown}
                aria-current={shown === 'now' ? 'time' : undefined}
              >
                <span className="room-agenda-time">
                  <span>
                    <time dateTime={m.startsAt}>{timeOf(m.startsAt)}</time>–
                    <time dateTime={m.endsAt}>{timeOf(m.endsAt)}</time>
                  </span>
                  {shown === 'now' && <span className="room-agenda-badge">Now</span>}
                  {shown === 'next' && <span className="room-agenda-badge">Next</span>}
                </span>
                <span className="room-agenda-name">
                  <bdi>{m.name}</bdi>
                </span>
                <span className="room-agenda-owner">
                  <bdi>{m.ownerName}</bdi>
                </span>
                <button
                  type="button"
                  className="room-button room-agenda-join"
                  aria-label={`Join ${m.name}`}
                  onClick={() => join(m)}
                >
                  Join
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/**
 * The day's meetings, fetched for the time zone this screen runs in, again every ROOM_DAY_POLL_MS
 * (and so after midnight). A refusal keeps what was shown: the session check handles unpairing.
 */
function useRoomDay(): RoomDayView | null {
  const [day, setDay] = useState<RoomDayView | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      void getRoomDay(Intl.DateTimeFormat().resolvedOptions().timeZone).then(
        (view) => {
          if (cancelled) return;
          setDay(view);
          forgetJoinedExcept(view.meetings);
        },
        () => undefined,
      );
    load();
    const timer = setInterval(load, ROOM_DAY_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);
  return day;
}

function whenOf(m: RoomDayMeeting, now: number): Exclude<When, 'next'> {
  if (Date.parse(m.endsAt) <= now) return 'over';
  return Date.parse(m.startsAt) <= now ? 'now' : 'later';
}

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** A meeting moved to another time is another occasion: it may be joined by itself again. */
const keyOf = (m: RoomDayMeeting) => `${m.id}@${m.startsAt}`;

/** What this page joined, should the storage refuse to keep it. */
const joinedHere = new Set<string>();

function readJoined(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(JOINED_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

function writeJoined(keys: string[]): void {
  try {
    localStorage.setItem(JOINED_KEY, JSON.stringify(keys));
  } catch {
    // Storage full or refused: the page remembers (joinedHere) until it reloads.
  }
}

const joinedBefore = (m: RoomDayMeeting) => joinedHere.has(keyOf(m)) || readJoined().includes(keyOf(m));

function rememberJoined(m: RoomDayMeeting): void {
  joinedHere.add(keyOf(m));
  const joined = readJoined();
  if (!joined.includes(keyOf(m))) writeJoined([...joined, keyOf(m)]);
}

/** Only today's meetings are remembered: the list stays as short as a day. */
function forgetJoinedExcept(meetings: readonly RoomDayMeeting[]): void {
  const today = new Set(meetings.map(keyOf));
  for (const k of joinedHere) if (!today.has(k)) joinedHere.delete(k);
  const joined = readJoined();
  const kept = joined.filter((k) => today.has(k));
  if (kept.length !== joined.length) writeJoined(kept);
}
