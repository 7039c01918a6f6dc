import { sql } from 'kysely';
import type { AnyDb } from './any-db';

/**
 * Recording and live streaming (REC-START, STREAM-TOGGLE, REC-STORE): what each meeting allows, and
 * the recordings. Never edit one that has shipped.
 */
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
  '0034_recordings': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('recordings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        // A recording outlives its meeting: kept by id and name, no reference.
        .addColumn('meeting_id', 'text', (c) => c.notNull())
        .addColumn('meeting_name', 'text', (c) => c.notNull())
        // The meeting's owner when it was recorded: the one who decides who may view it.
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('started_by_id', 'text', (c) => c.notNull())
        .addColumn('started_by_name', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        // recording | ready | failed
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
        // The store (a media region's, or `default`) holding its sealed chunks.
        .addColumn('store', 'text', (c) => c.notNull())
        // Who may view it (REC-ACCESS): owner | people | organisation | link.
        .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('owner'))
        // SHA-256 (hex) of its shared link's key, while it is shared by link.
        .addColumn('link_hash', 'text')
        .execute();
      await db.schema
        .createIndex('recordings_by_organisation')
        .on('recordings')
        .columns(['organisation_id', 'started_at'])
        .execute();
      // With `people`: whom.
      await db.schema
        .createTable('recording_viewers')
        .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('recording_viewers_pk', ['recording_id', 'user_id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('recording_viewers').execute();
      await db.schema.dropTable('recordings').execute();
    },
  },
};
