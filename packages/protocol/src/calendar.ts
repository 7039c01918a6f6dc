/**
 * Calendars (ADM-CALENDAR) and invitations (ADM-INVITE): a person's secret feed of their scheduled
 * meetings for Outlook, Google or Apple Calendar, and what to send people with a meeting's link.
 */

/** GET /api/account/calendar: whether the organisation has calendar integration on, and the person's feed. */
export interface CalendarFeedStatus {
  enabled: boolean;
  /** The person has a feed address; the address itself was shown once, when it was made. */
  feed: { createdAt: string } | null;
}

/**
 * POST /api/account/calendar: a new feed address, shown this once (only a digest of its token is kept).
 * Making a new one retires the one before; DELETE stops it.
 */
export interface CalendarFeedCreated {
  url: string;
  createdAt: string;
}

/** GET /api/meetings/:id/invite: what to send people (never the passcode, which the server does not have). */
export interface MeetingInviteView {
  /** Copyable text: name, time, link, extension, passcode policy, dial-in numbers, call details. */
  text: string;
  /** A single-event calendar file (text/calendar, METHOD:PUBLISH) for a scheduled meeting; else null. */
  ics: string | null;
}
