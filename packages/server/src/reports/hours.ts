const HOUR_MS = 3_600_000;

/** The start of the UTC hour `ms` falls in, as usage_hours keys it (ISO). */
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
