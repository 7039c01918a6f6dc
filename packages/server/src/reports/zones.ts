const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(ms: number, timeZone: string): { date: string; utcOfWall: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return {
    date,
    utcOfWall: Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!),
  };
}

/** The date (YYYY-MM-DD) it is in `timeZone` at `ms`. */
const localDate = (ms: number, timeZone: string): string => wallClock(ms, timeZone).date;

/** The instant a local date begins in `timeZone` (its midnight; where midnight is skipped, just after). */
export function startOfDay(date: string, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let t = wall;
  // Twice: the offset at the first guess may differ from the one at midnight across a change.
  for (let i = 0; i < 2; i++) t = wall - (wallClock(t, timeZone).utcOfWall - Math.floor(t / 60_000) * 60_000);
  return t;
}

/**
 * The local day a UTC hour of usage counts on: the one its middle falls in. Where the zone is a whole
 * number of hours from UTC, that is the day the whole hour is in; elsewhere (India, Nepal) the half
 * hour that crosses midnight counts with the larger part.
 */
export const dayOfHour = (hourStart: number, timeZone: string): string =>
  localDate(hourStart + HOUR_MS / 2, timeZone);

/** The first UTC hour that counts on `date` or later in `timeZone`. */
export function firstHourOf(date: string, timeZone: string): number {
  let h = Math.floor(startOfDay(date, timeZone) / HOUR_MS) * HOUR_MS - HOUR_MS;
  while (dayOfHour(h, timeZone) < date) h += HOUR_MS;
  return h;
}

/** The dates from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** The date after `date`. */
export const nextDate = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
