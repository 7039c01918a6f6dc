const HOUR_MS = 3_600_000;

/** The start of the UTC hour `ms` falls in, as the sums key it (ISO). */
export const hourOf = (ms: number): string => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();

/**
 * The whole seconds spent in each UTC hour from `from` to `to`. Each boundary is rounded to the
 * second once, so the hours of one stay always add up to its whole length.
 */
export function secondsByHour(from: Date, to: Date): Array<{ hour: string; seconds: number }> {
  const start = from.getTime();
  const end = Math.max(start, to.getTime());
  const out: Array<{ hour: string; seconds: number }> = [];
  for (let t = start; t < end;) {
    const next = Math.min(end, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    const seconds = Math.round(next / 1000) - Math.round(t / 1000);
    if (seconds > 0) out.push({ hour: hourOf(t), seconds });
    t = next;
  }
  return out;
}

/** The subject a usage row is summed under: every guest is one "guest", people and rooms by id. */
export const usageSubject = (subject: string): string => (subject.startsWith('g:') ? 'guest' : subject);

export type Span = 'hour' | 'day' | 'month';

const iso = (ms: number) => new Date(ms).toISOString();

/** The start of the UTC day, and of the UTC month, an instant falls in. */
const dayStart = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(monthStart(ms));
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** The hour, day and month an hour of usage is summed under, each by its start. */
export const spansOf = (hour: string): Array<{ span: Span; start: string }> => {
  const ms = Date.parse(hour);
  return [
    { span: 'hour', start: hour },
    { span: 'day', start: iso(dayStart(ms)) },
    { span: 'month', start: iso(monthStart(ms)) },
  ];
};

/** Sums of one span whose starts are in [from, to). */
export interface SpanRange {
  span: Span;
  from: string;
  to: string;
}

/**
 * Whole hours `start` to `end` (both on an hour) as the fewest sums: hours up to the first day,
 * days up to the first month, months, then days and hours again to the end.
 */
export function spanRanges(start: number, end: number): SpanRange[] {
  const out: SpanRange[] = [];
  const push = (span: Span, from: number, to: number) => {
    if (from < to) out.push({ span, from: iso(from), to: iso(to) });
  };
  const firstDay = Math.min(end, dayStart(start) === start ? start : dayStart(start) + 86_400_000);
  const lastDay = Math.max(firstDay, dayStart(end));
  push('hour', start, firstDay);
  const firstMonth = Math.min(lastDay, monthStart(firstDay) === firstDay ? firstDay : nextMonth(firstDay));
  const lastMonth = Math.max(firstMonth, monthStart(lastDay));
  push('day', firstDay, firstMonth);
  push('month', firstMonth, lastMonth);
  push('day', lastMonth, lastDay);
  push('hour', lastDay, end);
  return out;
}
