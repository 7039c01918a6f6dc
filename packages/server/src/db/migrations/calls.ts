import { sql, type Migration } from 'kysely';
import type { AnyDb } from './any-db';

/** Calls between people (MEET-CALL) and into running meetings (MEET-ADD). Never edit one that has shipped. */
export const callMigrations: Record<string, Migration> = {
  '0020_calls': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('direct', 'add')`))
        .addColumn('caller_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('callee_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // A call meeting nobody used goes with its call's end; the row stays for the missed-call list.
        .addColumn('meeting_id', 'text', (c) => c.references('meetings.id').onDelete('set null'))
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('ringing', 'accepted', 'declined', 'missed')`),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('seen', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`seen in (0, 1)`),
        )
        .execute();
      await db.schema.createIndex('calls_by_callee').on('calls').columns(['callee_id', 'state']).execute();
      await db.schema.createIndex('calls_by_caller').on('calls').columns(['caller_id', 'state']).execute();
      await db.schema
        .createIndex('calls_by_state_expiry')
        .on('calls')
        .columns(['state', 'expires_at'])
        .execute();
      await db.schema.createIndex('calls_by_creation').on('calls').column('created_at').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('calls').execute();
    },
  },
};
