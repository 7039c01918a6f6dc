import type { Kysely } from 'kysely';
import type { Database } from '../db';

/**
 * Something that happened in an organisation that other systems may be told of (webhooks). Ids only:
 * whoever tells it looks names up, and nothing here can carry a passcode, token or key.
 */
export type PlatformEvent = { organisationId: string; meetingId: string; at: string } & (
  | { type: 'meeting.started' }
  | { type: 'meeting.ended'; startedAt: string }
  /** `subject` as call records name who took part: u:<user id> | g:<guest id> | r:<room system id>. */
  | { type: 'participant.joined'; participantId: string; subject: string }
  | { type: 'participant.left'; participantId: string; subject: string; joinedAt: string }
  | { type: 'recording.ready'; recordingId: string }
);

/**
 * Where the stores that see these things happen (call records, recordings) report them, inside the
 * transaction that records them: the event is queued exactly when, and as often as, it happened.
 * Implemented by webhooks/.
 */
export interface PlatformEvents {
  emit(db: Kysely<Database>, event: PlatformEvent): Promise<void>;
}

/** For stores built without anyone to tell (tools, tests of other domains). */
export const NO_PLATFORM_EVENTS: PlatformEvents = { emit: async () => {} };
