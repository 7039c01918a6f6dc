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
 * first joined it. Minutes: time spent in meetings, counted on the day it was spent. Schemas rather
 * than interfaces: the platform API's OpenAPI document describes the report from them (docs/api.md).
 */
const usageFiguresSchema = z.object({
  meetings: z.number(),
  participants: z.number(),
  /** One decimal. */
  minutes: z.number(),
});
export type UsageFigures = z.infer<typeof usageFiguresSchema>;

const usageDaySchema = usageFiguresSchema.extend({
  /** YYYY-MM-DD in the report's time zone. */
  date: z.string(),
});
export type UsageDay = z.infer<typeof usageDaySchema>;

/** A person of the organisation; a deleted person is a placeholder with no name or email. */
const usageUserSchema = z.object({
  userId: z.string().nullable(),
  displayName: z.string(),
  email: z.string().nullable(),
  /** Meetings they were in. */
  meetings: z.number(),
  minutes: z.number(),
});
export type UsageUser = z.infer<typeof usageUserSchema>;

const usageMeetingSchema = z.object({
  meetingId: z.string(),
  /** Its name now, or "Deleted meeting". */
  name: z.string(),
  /** Times it was held. */
  held: z.number(),
  participants: z.number(),
  minutes: z.number(),
});
export type UsageMeeting = z.infer<typeof usageMeetingSchema>;

/** A room system (ADM-ROOMS) as it took part. */
const usageRoomSystemSchema = z.object({
  roomSystemId: z.string(),
  name: z.string(),
  meetings: z.number(),
  minutes: z.number(),
});
export type UsageRoomSystem = z.infer<typeof usageRoomSystemSchema>;

export const usageReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    totals: usageFiguresSchema.extend({
      /** Of the participants, those who joined as guests. */
      guests: z.number(),
    }),
    /** Every day of the period, in order, days without a meeting included. */
    days: z.array(usageDaySchema),
    /** Most minutes first. */
    users: z.array(usageUserSchema),
    /** Most minutes first. */
    meetings: z.array(usageMeetingSchema),
    roomSystems: z.array(usageRoomSystemSchema),
  })
  .meta({ id: 'UsageReport' });
export type UsageReport = z.infer<typeof usageReportSchema>;
