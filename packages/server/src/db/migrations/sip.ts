import type { AnyDb } from './any-db';

/** The SIP gateway (issue 16, docs/sip.md). */
export const sipMigrations = {
  '0047_guest_tokens_via_sip': {
    async up(db: AnyDb) {
      // A guest token the SIP gateway issued to a caller it let in: `sip` or `phone`, as the roster
      // shows them; its passcode was checked on the call.
      await db.schema.alterTable('guest_tokens').addColumn('via', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('guest_tokens').dropColumn('via').execute();
    },
  },
};
