import type { LobbyMode, Role } from './api';
import type { AuditAction } from './admin';
import type { RecordingStatus, RecordingVisibility } from './recordings';

/**
 * GET /api/account/export (PRIV-EXPORT): everything stored about the signed-in person, as a JSON
 * download. Nothing about anyone else is in it, not even their id: a conversation shows the person's
 * own messages only, a call which way it went but not with whom, an invitation its role but not the
 * address invited, an audit entry another person's name nowhere. No secret either: no password hash,
 * token, CSRF token, authenticator-app secret or recovery code (only how many are left).
 */
export interface PersonalDataExport {
  exportedAt: string;
  person: {
    id: string;
    email: string;
    displayName: string;
    role: Role;
    organisation: { id: string; name: string };
    createdAt: string;
    /** Signs in with a password here (not only through single sign-on). */
    hasPassword: boolean;
    /** Left out of the directory (MEET-DIRECTORY). */
    hidden: boolean;
    /** When their access was revoked (IAM-REVOKE); null while they have it. */
    revokedAt: string | null;
  };
  /** Where they are signed in. */
  sessions: Array<{ device: string | null; createdAt: string; lastSeenAt: string; expiresAt: string }>;
  /** Browsers they signed in from before (the sign-in guard trusts them). */
  trustedDevices: Array<{ createdAt: string; lastUsedAt: string }>;
  secondFactors: {
    authenticatorApp: { createdAt: string; confirmedAt: string | null } | null;
    passkeys: Array<{ name: string; createdAt: string; lastUsedAt: string | null }>;
    recoveryCodes: { left: number; used: number };
  };
  /** A password reset mailed and not used yet. */
  passwordReset: { createdAt: string; expiresAt: string } | null;
  /** Meetings they own; a direct call's own meeting (named after both people) is under `calls`. */
  meetings: Array<{
    id: string;
    name: string;
    description: string;
    extension: string;
    e2ee: boolean;
    oneTime: boolean;
    hidden: boolean;
    lobby: LobbyMode;
    hasPasscode: boolean;
    recordingByModerators: boolean;
    streaming: boolean;
    startedAt: string | null;
    createdAt: string;
    updatedAt: string;
    /** When it is planned for (ADM-CALENDAR). */
    schedule: { startsAt: string; endsAt: string; timeZone: string } | null;
  }>;
  /** Meetings of others they are invited to (ADM-INVITE), by id. */
  meetingsInvitedTo: string[];
  /** Their calendar feed, if they have one (ADM-CALENDAR): when it was made, never its address. */
  calendarFeed: { createdAt: string } | null;
  /** Calls they placed or received in the last 30 days (older ones are not kept). */
  calls: Array<{
    id: string;
    kind: 'direct' | 'add';
    direction: 'placed' | 'received';
    meetingId: string | null;
    state: 'ringing' | 'accepted' | 'declined' | 'missed';
    createdAt: string;
    endedAt: string | null;
  }>;
  /** Conversations they are in, with the messages they wrote (a deleted one has `text` null). */
  conversations: Array<{
    id: string;
    kind: 'direct' | 'group';
    /** A group's name; null for a direct conversation. */
    name: string | null;
    startedByYou: boolean;
    /** How many people are in it, themself included. */
    members: number;
    joinedAt: string;
    messages: Array<{ id: string; sentAt: string; editedAt: string | null; text: string | null }>;
  }>;
  /** What they wrote in the chat of meetings going on now (it is deleted when a meeting is over). */
  meetingChat: Array<{ meetingId: string; sentAt: string; displayName: string; text: string }>;
  /** Recordings of their meetings, and those they started in others'. */
  recordings: Array<{
    id: string;
    meetingId: string;
    meetingName: string;
    ownedByYou: boolean;
    startedByYou: boolean;
    startedAt: string;
    endedAt: string | null;
    status: RecordingStatus;
    size: number;
    visibility: RecordingVisibility;
  }>;
  /** Recordings shared with them by name (REC-ACCESS). */
  recordingsSharedWithYou: string[];
  /** Each time they were in a meeting (PRIV-CDR). */
  callRecords: Array<{
    meetingId: string;
    /** The meeting's name while it exists (null once deleted, or for a direct call's meeting). */
    meetingName: string | null;
    joinedAt: string;
    leftAt: string | null;
    mediaServer: string | null;
    region: string | null;
  }>;
  /** Their usage as reports count it (ADM-USAGE): per hour. */
  usage: Array<{ hour: string; participations: number; seconds: number }>;
  /** Invitations they sent and not used yet; the address invited is someone else's and left out. */
  invitationsSent: Array<{ id: string; role: Role; createdAt: string; expiresAt: string }>;
  /**
   * The audit log's entries they did (`byYou`) or that were done to their account (`aboutYou`). What
   * names someone else is left out: the target's name unless it is theirs, details unless about them,
   * the client address unless it was theirs.
   */
  auditLog: Array<{
    at: string;
    action: AuditAction;
    byYou: boolean;
    aboutYou: boolean;
    targetKind: string;
    /** Their own name as the entry copied it, when it is about them. */
    targetName: string | null;
    details: Record<string, string | number | boolean | null> | null;
    clientIp: string | null;
  }>;
}
