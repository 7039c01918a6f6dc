import type { RoomDayView } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import type { RoomPrincipal } from '../domain';
import type { RoomSystemStore } from './store';

/** A room's day holds at most this many meetings: a screen lists a day, not an archive. */
const DAY_MAX_MEETINGS = 100;

/**
 * A room screen's day (ADM-CALENDAR, ADM-ROOMS): the scheduled meetings it is invited to that overlap
 * its local day, from one local midnight to the next in the time zone its browser runs in (23 or 25
 * hours on the days clocks change), read at the Clock's now.
 */
export class RoomDay {
  constructor(
    private readonly store: RoomSystemStore,
    private readonly clock: Clock,
  ) {}

  async of(room: RoomPrincipal, timeZone: string): Promise<RoomDayView> {
    const { from, to } = localDay(this.clock.now(), timeZone);
    const { meetings, autoJoin } = await this.store.day(room, from, to, DAY_MAX_MEETINGS);
    return { from, to, meetings, autoJoin };
  }
}

/** The day `now` falls on in `timeZone`, as ISO UTC instants: its first moment and the next day's. */
function localDay(now: Date, timeZone: string): { from: string; to: string } {
  const today = dateIn(now.getTime(), timeZone);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return {
    from: new Date(startOf(today, timeZone)).toISOString(),
    to: new Date(
      startOf(
        { year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate() },
        timeZone,
      ),
    ).toISOString(),
  };
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The first instant of a local date: its midnight, or, where clocks jump over midnight, the instant
 * of the jump. Tried at the offsets in force around it, the earliest that falls on the date wins.
 */
function startOf(date: LocalDate, timeZone: string): number {
  const midnightAsUtc = Date.UTC(date.year, date.month - 1, date.day);
  const first = midnightAsUtc - offsetAt(midnightAsUtc, timeZone);
  const second = midnightAsUtc - offsetAt(first, timeZone);
  const onTheDate = [first, second].filter((t) => sameDate(dateIn(t, timeZone), date));
  return onTheDate.length > 0 ? Math.min(...onTheDate) : first;
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `t`, in milliseconds. */
function offsetAt(t: number, timeZone: string): number {
  const p = partsIn(t, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

function dateIn(t: number, timeZone: string): LocalDate {
  const { year, month, day } = partsIn(t, timeZone);
  return { year, month, day };
}

const formats = new Map<string, Intl.DateTimeFormat>();

function partsIn(t: number, timeZone: string) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    // Bounded by the zones the runtime knows (a few hundred): callers pass validated names only.
    formats.set(timeZone, format);
  }
  const n: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(t)) n[type] = Number(value);
  return {
    year: n.year!,
    month: n.month!,
    day: n.day!,
    hour: n.hour!,
    minute: n.minute!,
    second: n.second!,
  };
}

const sameDate = (a: LocalDate, b: LocalDate) => a.year === b.year && a.month === b.month && a.day === b.day;
