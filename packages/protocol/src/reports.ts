import { z } from 'zod';

/** The longest period one usage report covers: two years of days. */
export const MAX_REPORT_DAYS = 731;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An IANA time zone the server's own Intl knows ("Europe/Berlin", "UTC"). */
const timeZone = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'Not a known time zone');

/**
 * GET /api/reports/usage (ADM-USAGE): the days `from` to `to`, both included, as they are in
 * `timeZone`; days begin at local midnight, so a day in which the clocks change has 23 or 25 hours.
 */
export const usageQuerySchema = z
  .object({
    from: z.string().regex(DATE, 'A date as YYYY-MM-DD'),
    to: z.string().regex(DATE, 'A date as YYYY-MM-DD'),
    timeZone: timeZone.default('UTC'),
  })
  .strict();
export type UsageQuery = z.input<typeof usageQuerySchema>;

/** GET /api/reports/usage.csv: the same period, one table of the report. */
export const usageCsvQuerySchema = usageQuerySchema.extend({
  table: z.enum(['days', 'users', 'meetings', 'roomSystems']),
});
export type UsageCsvQuery = z.input<typeof usageCsvQuerySchema>;
export type UsageTable = UsageCsvQuery['table'];

/**
 * Meetings: times a meeting was held (from its first join to its last leave), counted on the day it
 * began. Participants: people in a meeting, each once per time it was held, counted on the day they
 * first joined it. Minutes: time spent in meetings, counted on the day it was spent.
 */
export interface UsageFigures {
  meetings: number;
  participants: number;
  /** One decimal. */
  minutes: number;
}

export interface UsageDay extends UsageFigures {
  /** YYYY-MM-DD in the report's time zone. */
  date: string;
}

/** A person of the organisation; a deleted person is a placeholder with no name or email. */
export interface UsageUser {
  userId: string | null;
  displayName: string;
  email: string | null;
  /** Meetings they were in. */
  meetings: number;
  minutes: number;
}

export interface UsageMeeting {
  meetingId: string;
  /** Its name now, or "Deleted meeting". */
  name: string;
  /** Times it was held. */
  held: number;
  participants: number;
  minutes: number;
}

/** A room system (ADM-ROOMS) as it took part. */
export interface UsageRoomSystem {
  roomSystemId: string;
  name: string;
  meetings: number;
  minutes: number;
}

export interface UsageReport {
  from: string;
  to: string;
  timeZone: string;
  totals: UsageFigures & {
    /** Of the participants, those who joined as guests. */
    guests: number;
  };
  /** Every day of the period, in order, days without a meeting included. */
  days: UsageDay[];
  /** Most minutes first. */
  users: UsageUser[];
  /** Most minutes first. */
  meetings: UsageMeeting[];
  roomSystems: UsageRoomSystem[];
}
