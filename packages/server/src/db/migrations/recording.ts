import { sql } from 'kysely';
import type { AnyDb } from './any-db';

/** Recording and live streaming (REC-START, STREAM-TOGGLE): what each meeting allows. */
export const recordingMigrations = {
  '0033_meeting_capture': {
    async up(db: AnyDb) {
      // The owner lets the meeting's moderators start and stop recordings too.
      await db.schema
        .alterTable('meetings')
        .addColumn('recording_by_moderators', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`recording_by_moderators in (0, 1)`),
        )
        .execute();
      // A Superuser or Administrator enabled live streaming for this meeting.
      await db.schema
        .alterTable('meetings')
        .addColumn('streaming', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`streaming in (0, 1)`),
        )
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('meetings').dropColumn('streaming').execute();
      await db.schema.alterTable('meetings').dropColumn('recording_by_moderators').execute();
    },
  },
};
