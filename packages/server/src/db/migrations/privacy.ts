import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

/** Privacy (PRIV-RETENTION): what retention needs. Never edit one that has shipped. */
export const privacyMigrations: Record<string, Migration> = {
  '0036_retention': {
    async up(db: AnyDb) {
      // When the organisation's contract ended (ISO time); its data is deleted 180 days later.
      await db.schema.alterTable('organisations').addColumn('contract_ended_at', 'text').execute();
      // Scheduled jobs every node runs, taken by one at a time: whoever holds a job's row until it
      // expires does the work (retention/lease.ts).
      await db.schema
        .createTable('job_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('job_leases').execute();
      await db.schema.alterTable('organisations').dropColumn('contract_ended_at').execute();
    },
  },
};
