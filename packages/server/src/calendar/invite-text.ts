import type { LobbyMode, MeetingSchedule, Settings } from '@conclave/protocol';

/** What an invitation tells about a meeting (ADM-INVITE). Never its passcode: only its hash is kept. */
export interface InvitedMeeting {
  id: string;
  name: string;
  extension: string;
  joinUrl: string;
  hasPasscode: boolean;
  lobby: LobbyMode;
  schedule: MeetingSchedule | null;
  /** The room systems invited (ADM-ROOMS), by name: the meeting rooms it is held in. */
  rooms: readonly string[];
  updatedAt: string;
}

const LOBBY: Record<LobbyMode, string | null> = {
  off: null,
  guests: 'Guests wait in the lobby until let in.',
  everyone: 'Everyone but the moderators waits in the lobby until let in.',
};

/**
 * The copyable text of an invitation, also the description of the meeting's calendar events: its
 * name, time (in the time zone it was scheduled in) and meeting rooms, join link, extension, passcode policy and
 * lobby, then the organisation's dial-in numbers and call details as configured.
 */
export function inviteText(meeting: InvitedMeeting, invites: Settings['invites']): string {
  const lines = [meeting.name];
  if (meeting.schedule) lines.push(`When: ${when(meeting.schedule)}`);
  if (meeting.rooms.length > 0) lines.push(`Where: ${meeting.rooms.join(', ')}`);
  lines.push(
    '',
    `Join in your browser: ${meeting.joinUrl}`,
    `Meeting extension: ${meeting.extension}`,
    meeting.hasPasscode ? 'This meeting needs a passcode; the organiser will share it.' : 'No passcode.',
  );
  const lobby = LOBBY[meeting.lobby];
  if (lobby) lines.push(lobby);
  if (invites.dialInNumbers.length > 0) {
    lines.push('', `Dial in, then enter the meeting extension ${meeting.extension}:`);
    for (const { label, number } of invites.dialInNumbers) lines.push(`${label}: ${number}`);
  }
  if (invites.callDetails) lines.push('', invites.callDetails);
  return lines.join('\n');
}

/** "Monday, 3 March 2025, 14:00 to 15:00 (Europe/Zurich)", the end's day told when it is another. */
function when({ startsAt, endsAt, timeZone }: MeetingSchedule): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const endDay = day.format(end) === day.format(start) ? '' : `${day.format(end)}, `;
  return `${day.format(start)}, ${time.format(start)} to ${endDay}${time.format(end)} (${timeZone})`;
}
