import { sql, type Migration } from 'kysely';
import type { AnyDb } from './any-db';

/**
 * The first schema: organisations, accounts, sessions, meetings and what their first features added
 * (setup token, trusted devices, E2EE, passcodes, one-time meetings, hiding, lobby).
 * Never edit one that has shipped: add a new one.
 */
export const foundationMigrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('installation')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('completed_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_email_unique', ['email'])
        .addCheckConstraint('users_role_check', sql`role in ('user', 'superuser', 'administrator')`)
        .execute();
      await db.schema.createIndex('users_organisation_idx').on('users').column('organisation_id').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('sessions_token_hash_unique', ['token_hash'])
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('meetings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('extension', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('meetings_extension_unique', ['organisation_id', 'extension'])
        .execute();
      await db.schema.createIndex('meetings_owner_idx').on('meetings').column('owner_id').execute();

      await db.schema
        .createTable('guest_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('guest_tokens_token_hash_unique', ['token_hash'])
        .execute();
      await db.schema
        .createIndex('guest_tokens_meeting_idx')
        .on('guest_tokens')
        .column('meeting_id')
        .execute();
      await db.schema
        .createIndex('guest_tokens_expires_idx')
        .on('guest_tokens')
        .column('expires_at')
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of [
        'guest_tokens',
        'meetings',
        'sessions',
        'users',
        'installation',
        'organisations',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
  '0002_setup_token_and_trusted_devices': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('setup_token')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('trusted_devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('trusted_devices_token_hash_unique', ['token_hash'])
        .execute();
      await db.schema
        .createIndex('trusted_devices_user_idx')
        .on('trusted_devices')
        .column('user_id')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('trusted_devices').execute();
      await db.schema.dropTable('setup_token').execute();
    },
  },
  '0003_meeting_e2ee': {
    async up(db: AnyDb) {
      // Two statements: SQLite adds one column per ALTER TABLE.
      await db.schema
        .alterTable('meetings')
        .addColumn('e2ee', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`e2ee in (0, 1)`),
        )
        .execute();
      await db.schema.alterTable('meetings').addColumn('e2ee_anchor_key', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('meetings').dropColumn('e2ee_anchor_key').execute();
      await db.schema.alterTable('meetings').dropColumn('e2ee').execute();
    },
  },
  '0004_meeting_passcode': {
    async up(db: AnyDb) {
      await db.schema.alterTable('meetings').addColumn('passcode_hash', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('meetings').dropColumn('passcode_hash').execute();
    },
  },
  '0005_one_time_meetings': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('meetings')
        .addColumn('one_time', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`one_time in (0, 1)`),
        )
        .execute();
      await db.schema.alterTable('meetings').addColumn('started_at', 'text').execute();
      await db.schema
        .createTable('ended_meetings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('ended_meetings').execute();
      await db.schema.alterTable('meetings').dropColumn('started_at').execute();
      await db.schema.alterTable('meetings').dropColumn('one_time').execute();
    },
  },
  '0006_meeting_hidden': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('meetings')
        .addColumn('hidden', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`hidden in (0, 1)`),
        )
        .execute();
      // One-time meetings are hidden, those made before this column too.
      await db.updateTable('meetings').set({ hidden: 1 }).where('one_time', '=', 1).execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('meetings').dropColumn('hidden').execute();
    },
  },
  '0007_meeting_lobby': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('meetings')
        .addColumn('lobby', 'text', (c) =>
          c
            .notNull()
            .defaultTo('off')
            .check(sql`lobby in ('off', 'guests', 'everyone')`),
        )
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('meetings').dropColumn('lobby').execute();
    },
  },
  '0008_user_hidden': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('users')
        .addColumn('hidden', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`hidden in (0, 1)`),
        )
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('users').dropColumn('hidden').execute();
    },
  },
};
