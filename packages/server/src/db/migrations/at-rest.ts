import { sql, type Migration } from 'kysely';
import type { AnyDb } from './any-db';

/** Data kept encrypted at rest (CHAT-AT-REST), and chat (CHAT-DIRECT, CHAT-MEETING). Never edit one that has shipped. */
export const atRestMigrations: Record<string, Migration> = {
  '0030_data_keys': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('data_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // One per organisation: the node that makes it first wins, the others use it.
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().unique().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('master_key_id', 'text', (c) => c.notNull())
        .addColumn('wrapped', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('data_keys_by_master').on('data_keys').column('master_key_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('data_keys').execute();
    },
  },
  '0031_chat': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('direct', 'group')`))
        .addColumn('name', 'text')
        // The two people of a direct conversation, in order: there is one per pair.
        .addColumn('direct_pair', 'text', (c) => c.unique())
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_message_at', 'text')
        .execute();
      await db.schema
        .createTable('conversation_members')
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('joined_at', 'text', (c) => c.notNull())
        .addColumn('read_up_to', 'text')
        .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('conversation_members_by_user')
        .on('conversation_members')
        .column('user_id')
        .execute();
      await db.schema
        .createTable('chat_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // Sealed under the organisation's data key (at-rest/vault.ts); null once deleted.
        .addColumn('body', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('edited_at', 'text')
        .execute();
      await db.schema
        .createIndex('chat_messages_by_conversation')
        .on('chat_messages')
        .columns(['conversation_id', 'id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('chat_messages').execute();
      await db.schema.dropTable('conversation_members').execute();
      await db.schema.dropTable('conversations').execute();
    },
  },
  '0032_meeting_chat': {
    async up(db: AnyDb) {
      // In-meeting chat (CHAT-MEETING) of meetings without E2EE, while the meeting lasts.
      await db.schema
        .createTable('meeting_chat_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('participant_id', 'text', (c) => c.notNull())
        // A guest has no account: the name they had in the meeting is all there is.
        .addColumn('display_name', 'text', (c) => c.notNull())
        // Sealed under the organisation's data key (at-rest/vault.ts).
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('meeting_chat_messages_by_meeting')
        .on('meeting_chat_messages')
        .columns(['meeting_id', 'id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('meeting_chat_messages').execute();
    },
  },
};
