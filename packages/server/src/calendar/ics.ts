/**
 * iCalendar (RFC 5545) files: the calendar feed of a person (ADM-CALENDAR) and the invitation file of
 * one meeting (ADM-INVITE) are both written here. Times are UTC ("…Z"), so no VTIMEZONE is needed;
 * text is escaped and every line folded at 75 octets, as calendar apps expect.
 */

export interface IcsEvent {
  /** Stays the same for the meeting, so an app updates its event instead of adding another. */
  uid: string;
  /** When this file was made (ISO). */
  stamp: string;
  /** ISO instants, UTC. */
  start: string;
  end: string;
  /** When the meeting was last changed (ISO). */
  lastModified: string;
  summary: string;
  description: string;
  /** The join link: clicking the event joins (one-click join). */
  url: string;
  location: string;
}

export interface IcsCalendar {
  /** The calendar's name as apps show it for a subscribed feed. */
  name?: string;
  events: readonly IcsEvent[];
}

/** The whole file, CRLF line endings, ready to serve as text/calendar. */
export function icsCalendar(calendar: IcsCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Conclave//Conclave meetings//EN',
    'CALSCALE:GREGORIAN',
    // Published for information: nobody answers it (no attendees, no replies).
    'METHOD:PUBLISH',
    ...(calendar.name === undefined ? [] : [`X-WR-CALNAME:${escapeText(calendar.name)}`]),
  ];
  for (const event of calendar.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${utc(event.stamp)}`,
      `DTSTART:${utc(event.start)}`,
      `DTEND:${utc(event.end)}`,
      `LAST-MODIFIED:${utc(event.lastModified)}`,
      `SUMMARY:${escapeText(event.summary)}`,
      // A URI value, not text: it is not escaped (a join link has none of the characters that would need it).
      `URL:${event.url}`,
      `LOCATION:${escapeText(event.location)}`,
      `DESCRIPTION:${escapeText(event.description)}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** A TEXT value (RFC 5545 3.3.11): backslashes, semicolons and commas escaped, line breaks as \n. */
function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n?|\n/g, '\\n');
}

/** "2025-03-03T13:00:00.000Z" as "20250303T130000Z" (seconds kept, milliseconds dropped). */
function utc(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const encoder = new TextEncoder();
const MAX_OCTETS = 75;

/**
 * Folds a content line (RFC 5545 3.1): at most 75 octets a line, each further one starting with a
 * space that counts towards its 75. Cuts fall between characters, never inside one's UTF-8 bytes.
 */
function fold(line: string): string {
  if (encoder.encode(line).length <= MAX_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const c of line) {
    const size = encoder.encode(c).length;
    const limit = parts.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += c;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
