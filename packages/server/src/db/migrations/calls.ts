import { sql, type Migration } from 'kysely';
import type { AnyDb } from './any-db';

/**
 * Calls between people (MEET-CALL) and into running meetings (MEET-ADD). Never change what one that has
 * shipped does: 0020 and 0044 share the table's definition (`createCalls`), 0020's as it always was.
 */
export const callMigrations: Record<string, Migration> = {
  '0020_calls': {
    async up(db: AnyDb) {
      await createCalls(db, 'calls', false);
      await indexCalls(db, false);
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('calls').execute();
    },
  },
  /**
   * MEET-ADD for room systems: a call rings a person or a room system's screen. SQLite cannot drop a
   * NOT NULL, so the table is rebuilt (calls are 30 days of history, a small table).
   */
  '0044_room_calls': {
    async up(db: AnyDb) {
      await createCalls(db, 'calls_next', true);
      await sql`insert into calls_next
        (id, organisation_id, kind, caller_id, callee_id, callee_room_id, meeting_id, state, created_at, expires_at, ended_at, seen)
        select id, organisation_id, kind, caller_id, callee_id, null, meeting_id, state, created_at, expires_at, ended_at, seen
        from calls`.execute(db);
      await db.schema.dropTable('calls').execute();
      await db.schema.alterTable('calls_next').renameTo('calls').execute();
      await indexCalls(db, true);
    },
    async down(db: AnyDb) {
      await createCalls(db, 'calls_prev', false);
      await sql`insert into calls_prev
        (id, organisation_id, kind, caller_id, callee_id, meeting_id, state, created_at, expires_at, ended_at, seen)
        select id, organisation_id, kind, caller_id, callee_id, meeting_id, state, created_at, expires_at, ended_at, seen
        from calls where callee_id is not null`.execute(db);
      await db.schema.dropTable('calls').execute();
      await db.schema.alterTable('calls_prev').renameTo('calls').execute();
      await indexCalls(db, false);
    },
  },
};

/** The calls table as 0044 made it (`rooms`), or as 0020 had it. */
async function createCalls(db: AnyDb, name: string, rooms: boolean) {
  await db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('direct', 'add')`))
    .addColumn('caller_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('callee_id', 'text', (c) =>
      rooms
        ? c.references('users.id').onDelete('cascade')
        : c.notNull().references('users.id').onDelete('cascade'),
    )
    .$call((t) =>
      rooms
        ? t
            .addColumn('callee_room_id', 'text', (c) => c.references('room_systems.id').onDelete('cascade'))
            // A person or a room system, never both; a room system is only ever rung into a meeting.
            .addCheckConstraint(
              `${name}_callee`,
              sql`(callee_id is null) <> (callee_room_id is null) and (callee_room_id is null or kind = 'add')`,
            )
        : t,
    )
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
}

async function indexCalls(db: AnyDb, rooms: boolean) {
  await db.schema.createIndex('calls_by_callee').on('calls').columns(['callee_id', 'state']).execute();
  if (rooms) {
    await db.schema.createIndex('calls_by_room').on('calls').columns(['callee_room_id', 'state']).execute();
  }
  await db.schema.createIndex('calls_by_caller').on('calls').columns(['caller_id', 'state']).execute();
  await db.schema.createIndex('calls_by_state_expiry').on('calls').columns(['state', 'expires_at']).execute();
  await db.schema.createIndex('calls_by_creation').on('calls').column('created_at').execute();
}
