/** One participation as a meeting's room knows it (PRIV-CDR): nothing of what was said or shown. */
export interface Attendance {
  participantId: string;
  meetingId: string;
  organisationId: string;
  /** u:<user id> | g:<guest id> | r:<room system id> */
  subject: string;
  /** ISO time the participant was admitted. */
  joinedAt: string;
  /** The media server and region that carried it, when the room had one. */
  mediaServer: string | null;
  region: string | null;
}

/**
 * Where rooms report who comes and goes, for call records and usage reports (PRIV-CDR, ADM-USAGE);
 * implemented by reports/. Calls return at once: writing is the ledger's business, and its failure
 * is never the room's.
 */
export interface CallLedger {
  joined(attendance: Attendance): void;
  left(participantId: string, at: Date): void;
  /**
   * Everyone this node holds in a room now, told every minute or so: a participation taken over from
   * another node is recorded, and one whose node died is ended where it was last seen.
   */
  present(attendances: readonly Attendance[]): void;
  /** The meeting's room emptied (its grace over): the time it was held ends. */
  ended(meetingId: string, at: Date): void;
}
