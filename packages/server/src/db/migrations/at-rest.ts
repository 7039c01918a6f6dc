import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

/** Data kept encrypted at rest (CHAT-AT-REST). Never edit one that has shipped. */
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
};
