import type { Kysely } from 'kysely';
import type { Database } from '../db';
import type { MeetingLookup } from '../signaling/ports';
import { MeetingStore } from './store';

export { MeetingService, randomExtension } from './service';
export { MeetingStore, type Meeting } from './store';
export { meetingRoutes } from './routes';

/** What the signaling plugin needs from meetings: find one by ID. */
export function createMeetingLookup(db: Kysely<Database>): MeetingLookup {
  return new MeetingStore(db);
}
