import type { MeetingSchedule } from '@conclave/protocol';

/**
 * Times of scheduled meetings (ADM-CALENDAR) as people type and read them: a date and a wall-clock
 * time in a time zone, which the server keeps as UTC instants.
 */

/** What the Schedule fields hold: `YYYY-MM-DD`, `HH:MM`, an IANA time zone. */
export interface ScheduleDraft {
  on: boolean;
  date: string;
  start: string;
  end: string;
  timeZone: string;
}

const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Every time zone the browser knows, the browser's own (and the meeting's) among them. */
export function timeZones(...wanted: string[]): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...known, 'UTC', ...wanted])].sort();
}

/** The wall-clock parts of an instant in a time zone. */
function partsIn(instant: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** How far the time zone's clocks are ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/** "2025-03-03" and "14:00" in Europe/Zurich as the UTC instant (ms). */
function zonedToUtc(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [h, min] = time.split(':').map(Number);
  const wall = Date.UTC(y!, m! - 1, d, h, min);
  let instant = wall - offsetAt(wall, timeZone);
  // Near a change of clocks the offset at the guess may differ from the one at the result.
  instant = wall - offsetAt(instant, timeZone);
  return instant;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the date and time it is in `timeZone`. */
function utcToZoned(iso: string, timeZone: string): { date: string; time: string } {
  const p = partsIn(Date.parse(iso), timeZone);
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/** The fields for a meeting's schedule, or (unscheduled) the next full hour for an hour, here. */
export function draftOf(schedule: MeetingSchedule | null): ScheduleDraft {
  if (schedule) {
    const start = utcToZoned(schedule.startsAt, schedule.timeZone);
    return {
      on: true,
      date: start.date,
      start: start.time,
      end: utcToZoned(schedule.endsAt, schedule.timeZone).time,
      timeZone: schedule.timeZone,
    };
  }
  const timeZone = browserTimeZone();
  const next = Math.ceil(Date.now() / 3600_000) * 3600_000;
  const start = utcToZoned(new Date(next).toISOString(), timeZone);
  return {
    on: false,
    date: start.date,
    start: start.time,
    end: utcToZoned(new Date(next + 3600_000).toISOString(), timeZone).time,
    timeZone,
  };
}

/**
 * The schedule the fields say, null when off, or why it cannot be one. An end at or before the start
 * is on the next day (a meeting past midnight); the server refuses one longer than 24 hours.
 */
export function scheduleOf(draft: ScheduleDraft): MeetingSchedule | null | { error: string } {
  if (!draft.on) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.date)) return { error: 'Choose a date' };
  if (!/^\d{2}:\d{2}$/.test(draft.start) || !/^\d{2}:\d{2}$/.test(draft.end)) {
    return { error: 'Choose a start and an end time' };
  }
  const starts = zonedToUtc(draft.date, draft.start, draft.timeZone);
  let ends = zonedToUtc(draft.date, draft.end, draft.timeZone);
  if (ends <= starts) ends += 24 * 3600_000;
  return {
    startsAt: new Date(starts).toISOString(),
    endsAt: new Date(ends).toISOString(),
    timeZone: draft.timeZone,
  };
}

/** "Mon 3 Mar 2025, 14:00–15:00" in the reader's own time zone. */
export function describeSchedule(schedule: MeetingSchedule): string {
  const day = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const start = new Date(schedule.startsAt);
  const end = new Date(schedule.endsAt);
  const endDay = day.format(end) === day.format(start) ? '' : `${day.format(end)}, `;
  return `${day.format(start)}, ${time.format(start)}–${endDay}${time.format(end)}`;
}
