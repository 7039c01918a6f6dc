import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

/** Room systems (ADM-ROOMS): meeting-room screens and how they are paired. Never edit one that has shipped. */
export const roomSystemMigrations: Record<string, Migration> = {
  '0037_room_systems': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('room_systems')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('associated_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('revoked_at', 'text')
        // Its screen's session: one at a time, the token stored only as its SHA-256; none while revoked.
        .addColumn('session_id', 'text', (c) => c.unique())
        .addColumn('session_token_hash', 'text', (c) => c.unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text')
        .execute();
      await db.schema
        .createIndex('room_systems_by_organisation')
        .on('room_systems')
        .columns(['organisation_id', 'name'])
        .execute();
      // A screen waiting for its code to be entered. No organisation (the one who enters the code
      // decides it) and no client address (limits count those in memory or Redis).
      await db.schema
        .createTable('room_pairings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('device_token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        // Set when an administrator entered the code; the screen's next poll takes its session.
        .addColumn('room_system_id', 'text', (c) => c.references('room_systems.id').onDelete('cascade'))
        .execute();
      await db.schema
        .createIndex('room_pairings_by_expiry')
        .on('room_pairings')
        .column('expires_at')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('room_pairings').execute();
      await db.schema.dropTable('room_systems').execute();
    },
  },
};
