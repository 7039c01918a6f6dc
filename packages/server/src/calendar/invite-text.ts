import type { LobbyMode, MeetingSchedule } from '@conclave/protocol';

/** What an invitation tells about a meeting (ADM-INVITE). Never its passcode: only its hash is kept. */
export interface InvitedMeeting {
  id: string;
  name: string;
  extension: string;
  joinUrl: string;
  hasPasscode: boolean;
  lobby: LobbyMode;
  /** End-to-end encrypted (E2EE-LIMITS): no phone or SIP device can join, so no dial-in is shown. */
  e2ee: boolean;
  schedule: MeetingSchedule | null;
  /** The room systems invited (ADM-ROOMS), by name: the meeting rooms it is held in. */
  rooms: readonly string[];
  updatedAt: string;
}

/** How people reach meetings other than by the link (ADM-INVITE, INTEROP-PSTN, INTEROP-SIP). */
export interface DialInDetails {
  /** The organisation's numbers and, for the installation's organisation, its trunks' numbers. */
  dialInNumbers: ReadonlyArray<{ label: string; number: string }>;
  /** The SIP domain video systems dial (`sip:<extension>@<domain>`); null when there is no gateway. */
  sipDomain: string | null;
  callDetails: string;
}

/** E2EE-LIMITS: what an end-to-end encrypted meeting's invitation says instead of how to dial in. */
export const E2EE_NO_DIAL_IN =
  'This meeting is end-to-end encrypted: phones and SIP video systems cannot join it.';

const LOBBY: Record<LobbyMode, string | null> = {
  off: null,
  guests: 'Guests wait in the lobby until let in.',
  everyone: 'Everyone but the moderators waits in the lobby until let in.',
};

/**
 * The copyable text of an invitation, also the description of the meeting's calendar events: its
 * name, time (in the time zone it was scheduled in) and meeting rooms, join link, extension, passcode policy and
 * lobby, then the dial-in numbers and SIP address and the call details as configured. An end-to-end
 * encrypted meeting's has no dial-in numbers nor SIP address, but a line saying why (E2EE-LIMITS).
 */
export function inviteText(meeting: InvitedMeeting, invites: DialInDetails): string {
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
  if (meeting.e2ee) {
    if (invites.dialInNumbers.length > 0 || invites.sipDomain) lines.push('', E2EE_NO_DIAL_IN);
  } else {
    if (invites.dialInNumbers.length > 0) {
      lines.push('', `Dial in, then enter the meeting extension ${meeting.extension}:`);
      for (const { label, number } of invites.dialInNumbers) lines.push(`${label}: ${number}`);
    }
    if (invites.sipDomain) {
      lines.push('', `From a SIP video system: sip:${meeting.extension}@${invites.sipDomain}`);
    }
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
