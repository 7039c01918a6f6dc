import { sql } from 'kysely';
import type { AnyDb } from './any-db';

/**
 * Call records and usage (PRIV-CDR, ADM-USAGE): who was in which meeting when, on which media server,
 * and the hourly sums reports read. No media, no chat. Never edit one that has shipped.
 */
export const reportMigrations = {
  '0035_call_records': {
    async up(db: AnyDb) {
      // One time a meeting was held: from its first join to the moment its room emptied.
      await db.schema
        .createTable('call_records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        // Records outlive their meeting: kept by id, no reference.
        .addColumn('meeting_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute();
      // At most one open record a meeting, however many nodes see its first join.
      await db.schema
        .createIndex('call_records_open_meeting')
        .on('call_records')
        .column('meeting_id')
        .unique()
        .where(sql.ref('ended_at'), 'is', null)
        .execute();
      await db.schema
        .createIndex('call_records_by_organisation')
        .on('call_records')
        .columns(['organisation_id', 'started_at'])
        .execute();
      // One participation: a participant id from its join to its leave.
      await db.schema
        .createTable('call_participants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull().references('call_records.id').onDelete('cascade'))
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('participant_id', 'text', (c) => c.notNull().unique())
        // u:<user id> | g:<guest id> | r:<room system id> | x:<placeholder of a deleted person>
        .addColumn('subject', 'text', (c) => c.notNull())
        // 1 for the subject's first participation in this call: it counts as one participant.
        .addColumn('first_of_call', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`first_of_call in (0, 1)`),
        )
        .addColumn('joined_at', 'text', (c) => c.notNull())
        .addColumn('left_at', 'text')
        // Last seen present by its node: a participation whose node died ends there.
        .addColumn('seen_at', 'text', (c) => c.notNull())
        .addColumn('media_server', 'text')
        .addColumn('region', 'text')
        .execute();
      await db.schema
        .createIndex('call_participants_by_call')
        .on('call_participants')
        .column('call_id')
        .execute();
      await db.schema
        .createIndex('call_participants_by_subject')
        .on('call_participants')
        .columns(['organisation_id', 'subject'])
        .execute();
      await db.schema
        .createIndex('call_participants_open')
        .on('call_participants')
        .columns(['left_at', 'seen_at'])
        .execute();
      // Sums of what the records say, per UTC hour, day and month (ADM-USAGE): reports read these,
      // the coarsest that fit, instead of going through the records.
      await db.schema
        .createTable('usage_sums')
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        // hour | day | month
        .addColumn('span', 'text', (c) => c.notNull())
        // The span's first instant, ISO, UTC.
        .addColumn('start', 'text', (c) => c.notNull())
        // organisation (hours only) | meeting | subject
        .addColumn('dimension', 'text', (c) => c.notNull())
        // '' for the organisation; a meeting id; u:<user id> | guest | r:<room system> | x:<placeholder>
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('participants', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('seconds', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('usage_sums_pk', ['organisation_id', 'dimension', 'span', 'start', 'key'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('usage_sums').execute();
      await db.schema.dropTable('call_participants').execute();
      await db.schema.dropTable('call_records').execute();
    },
  },
};
