import type { LobbyMode, RosterEntry, TrackSource } from '@conclave/protocol';
import type { CaptureNotices } from './capture';
import type { Principal } from './principal';

/** The little that rooms, guest tokens and E2EE delivery need to know about a meeting. */
export interface MeetingRecord {
  id: string;
  organisationId: string;
  ownerId: string;
  name: string;
  /** End-to-end encrypted (E2EE-OPTIN): its media room requires encrypted frames. */
  e2ee: boolean;
  /** The device identity public key (base64url) that anchors its E2EE group; null until one does. */
  e2eeAnchorKey: string | null;
  /** Argon2id hash of its passcode (MEET-PASSCODE); null when joining needs none. */
  passcodeHash: string | null;
  /** Who waits in the lobby until a moderator admits them (MEET-LOBBY). */
  lobby: LobbyMode;
}

/** The link that joins a meeting, wherever it is shown (its owner's list, the directory). */
export const meetingJoinUrl = (publicUrl: string, meetingId: string): string => `${publicUrl}/m/${meetingId}`;

/** Who may enter a meeting that has a passcode; implemented by meetings/. */
export interface MeetingEntry {
  /**
   * Resolves when `principal` may enter `meeting` with what it gave; throws `passcode_required`,
   * `passcode_wrong` or `rate_limited` otherwise. `principal` is null for a guest not issued yet.
   */
  admit(
    meeting: MeetingRecord,
    principal: Principal | null,
    passcode: string | undefined,
    clientAddress: string,
  ): Promise<void>;
}

/** Finds a meeting by ID; implemented by meetings/. */
export interface MeetingLookup {
  findMeeting(id: string): Promise<MeetingRecord | null>;
  /** Whether this was a one-time meeting that has ended (its link answers `meeting_ended`). */
  hasEnded(id: string): Promise<boolean>;
}

/** Told when a meeting's room fills and empties; implemented by meetings/ (one-time meetings end then). */
export interface MeetingLifecycle {
  /** The first participant of a room is in. */
  started(meetingId: string): Promise<void>;
  /** The last participant left (not: the server stopped, the media failed, the meeting was deleted). */
  emptied(meetingId: string): Promise<void>;
}

/** Records which device anchors a meeting's E2EE group; implemented by meetings/. */
export interface E2eeAnchorStore {
  /**
   * Sets (or, with null, clears) the anchor key: a raw 65-byte P-256 point in base64url; anything
   * else is refused with `validation_failed`. False when there is no such meeting, or a key was
   * given for a meeting that is not end-to-end encrypted.
   */
  setE2eeAnchorKey(meetingId: string, key: string | null): Promise<boolean>;
}

/** Whether anyone is in a meeting, on this control-plane node or another; implemented over rooms/. */
export interface LiveMeetings {
  isLive(meetingId: string): boolean | Promise<boolean>;
  /** Whether the meeting is being recorded or streamed now, and by whom (REC-NOTICE). */
  captureOf(meetingId: string): CaptureNotices | Promise<CaptureNotices>;
}

/**
 * What the organisation does to a running meeting through the platform API (docs/api.md), wherever
 * its room is; implemented over rooms/ (and cluster/ across nodes).
 */
export interface RoomControl {
  /** Who is in the meeting now; null while nobody is (it is not running). */
  roster(meeting: MeetingRecord): Promise<RosterEntry[] | null>;
  /**
   * Refuses with 409 `meeting_not_live`, 404 `participant_not_found`, or 403 `forbidden` for a
   * moderator by role (the owner, a Superuser, an Administrator), whom no other moderator acts on either.
   */
  moderate(meeting: MeetingRecord, action: ServerModeration): Promise<void>;
}

/** `by`: who it is done in the name of, as participants are told (the API key's name). */
export type ServerModeration =
  | { kind: 'mute'; participantId: string; source: TrackSource; allowUnmute: boolean; by: string }
  | { kind: 'remove'; participantId: string; by: string }
  | { kind: 'end'; by: string };
