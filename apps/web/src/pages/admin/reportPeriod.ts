/** A report's period: its first and last day (YYYY-MM-DD, both included) as they are in a time zone. */
export interface Period {
  from: string;
  to: string;
}

export type QuickPick = 'last7' | 'last30' | 'thisMonth' | 'lastMonth';

export const QUICK_PICKS: ReadonlyArray<{ pick: QuickPick; label: string }> = [
  { pick: 'last7', label: 'Last 7 days' },
  { pick: 'last30', label: 'Last 30 days' },
  { pick: 'thisMonth', label: 'This month' },
  { pick: 'lastMonth', label: 'Last month' },
];

/** The browser's own time zone, which reports start in. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Every time zone the browser knows, the browser's own among them even where the list leaves it out. */
export function timeZones(own: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes(own) ? zones : [own, ...zones].sort();
}

/** Today's date in `timeZone`. */
export function today(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Dates are counted on as calendar days, in UTC, so no clock change moves them. */
const asDate = (date: string) => new Date(`${date}T00:00:00Z`);
const dateOf = (d: Date) => d.toISOString().slice(0, 10);

const addDays = (date: string, days: number): string => {
  const d = asDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return dateOf(d);
};

/** The period a quick pick means on the day `todayDate`. */
export function quickPeriod(pick: QuickPick, todayDate: string): Period {
  const d = asDate(todayDate);
  switch (pick) {
    case 'last7':
      return { from: addDays(todayDate, -6), to: todayDate };
    case 'last30':
      return { from: addDays(todayDate, -29), to: todayDate };
    case 'thisMonth':
      return { from: `${todayDate.slice(0, 8)}01`, to: todayDate };
    case 'lastMonth':
      return {
        from: dateOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1))),
        // Day 0 of this month is the last of the one before.
        to: dateOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0))),
      };
  }
}

/** A date as people read it ("Mon, 3 Mar 2025" in their own language). */
export const dateText = (date: string, style: 'long' | 'short' = 'long'): string =>
  asDate(date).toLocaleDateString(undefined, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    ...(style === 'long' && { weekday: 'short', year: 'numeric' }),
  });

const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** A count or a number of minutes (one decimal) as people read it. */
export const numberText = (n: number): string => numbers.format(n);
