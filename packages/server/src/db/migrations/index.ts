import { Migrator, type MigrationProvider } from 'kysely';
import type { AnyDb } from './any-db';
import { foundationMigrations } from './foundation';
import { identityMigrations } from './identity';
import { callMigrations } from './calls';
import { atRestMigrations } from './at-rest';
import { recordingMigrations } from './recording';
import { reportMigrations } from './reports';
import { privacyMigrations } from './privacy';
import { brandingMigrations } from './branding';
import { roomSystemMigrations } from './room-systems';
import { alertMigrations } from './alerts';
import { calendarMigrations } from './calendar';
import { roomInviteeMigrations } from './room-invitees';
import { apiKeyMigrations } from './api-keys';
import { webhookMigrations } from './webhooks';
import { sipMigrations } from './sip';

/**
 * Migrations live in code (not files on disk) so the bundled server carries them, grouped by the part
 * of the product that brought them; Kysely runs them in the order of their names. Each one must run
 * unchanged on SQLite and PostgreSQL.
 */
const migrations = {
  ...foundationMigrations,
  ...identityMigrations,
  ...callMigrations,
  ...atRestMigrations,
  ...recordingMigrations,
  ...reportMigrations,
  ...privacyMigrations,
  ...brandingMigrations,
  ...roomSystemMigrations,
  ...alertMigrations,
  ...calendarMigrations,
  ...roomInviteeMigrations,
  ...apiKeyMigrations,
  ...webhookMigrations,
  ...sipMigrations,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(
      `Database migration ${migration ?? ''} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'MigrationError';
  }
}

/** Brings the schema up to date. Safe to call on every start and from several nodes at once. */
export async function migrateToLatest(db: AnyDb): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new MigrationError(failed?.migrationName, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
