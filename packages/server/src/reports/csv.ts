import type { UsageReport, UsageTable } from '@conclave/protocol';

/**
 * A field as RFC 4180 writes it. A name someone chose that begins like a formula is written as text
 * (a leading apostrophe), so that opening the file in a spreadsheet runs nothing.
 */
function field(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const lines = (rows: ReadonlyArray<ReadonlyArray<string | number>>): string =>
  rows.map((row) => row.map(field).join(',') + '\r\n').join('');

/** One table of a usage report as CSV (ADM-USAGE): a header row, then a row for each line. */
export function usageCsv(report: UsageReport, table: UsageTable): string {
  switch (table) {
    case 'days':
      return lines([
        ['Date', 'Meetings', 'Participants', 'Minutes'],
        ...report.days.map((d) => [d.date, d.meetings, d.participants, d.minutes]),
      ]);
    case 'users':
      return lines([
        ['Name', 'Email', 'Meetings', 'Minutes'],
        ...report.users.map((u) => [u.displayName, u.email ?? '', u.meetings, u.minutes]),
      ]);
    case 'meetings':
      return lines([
        ['Meeting', 'Times held', 'Participants', 'Minutes'],
        ...report.meetings.map((m) => [m.name, m.held, m.participants, m.minutes]),
      ]);
    case 'roomSystems':
      return lines([
        ['Room system', 'Meetings', 'Minutes'],
        ...report.roomSystems.map((r) => [r.name, r.meetings, r.minutes]),
      ]);
  }
}
