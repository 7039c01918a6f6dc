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
}

/** Finds a meeting by ID; implemented by meetings/. */
export interface MeetingLookup {
  findMeeting(id: string): Promise<MeetingRecord | null>;
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

/** Whether anyone is in a meeting on this server; implemented over rooms/. */
export interface LiveMeetings {
  isLive(meetingId: string): boolean;
}
