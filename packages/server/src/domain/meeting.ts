/** The little that rooms and guest tokens need to know about a meeting. */
export interface MeetingRecord {
  id: string;
  organisationId: string;
  ownerId: string;
  name: string;
}

/** Finds a meeting by ID; implemented by meetings/. */
export interface MeetingLookup {
  findMeeting(id: string): Promise<MeetingRecord | null>;
}
