import type { AnyDb } from './any-db';

/** API keys of the platform API (docs/api.md). Never edit one that has shipped. */
export const apiKeyMigrations = {
  '0042_api_keys': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        // Space-separated, as OAuth writes scopes.
        .addColumn('scopes', 'text', (c) => c.notNull())
        // Its first characters in the clear, to recognise it by; the key itself only as its SHA-256.
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        // The key acts with its creator's rights: it goes with their account.
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createIndex('api_keys_by_organisation')
        .on('api_keys')
        .columns(['organisation_id', 'created_at'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('api_keys').execute();
    },
  },
  '0046_guest_tokens_by_key': {
    async up(db: AnyDb) {
      // Which key's system issued a guest token (the SDK's guests): its guests need no passcode, and
      // stop getting in once the key is revoked. Deleted with the key (with its maker's account).
      await db.schema
        .alterTable('guest_tokens')
        .addColumn('api_key_id', 'text', (c) => c.references('api_keys.id').onDelete('cascade'))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('guest_tokens').dropColumn('api_key_id').execute();
    },
  },
};
