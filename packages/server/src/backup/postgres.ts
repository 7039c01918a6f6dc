import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { redactUrl } from '../db';
import { writeBackupFile } from './files';
import {
  RestoreRefused,
  describeCounts,
  holdsData,
  type BackupOutcome,
  type RestoreOptions,
  type RestoreOutcome,
  type TableCounts,
} from './outcome';
import { runPostgresTool, type PostgresConnection } from './pg-tools';

/**
 * pg_dump in its custom (compressed, pg_restore-able) format, of exactly the snapshot whose rows are
 * counted for the summary. Runs against the live database; the server keeps running.
 */
export async function backupPostgres(url: string, out: string): Promise<BackupOutcome> {
  const connection = connectionFor(url);
  const client = await connect(url);
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const contents = await countRows(client);
    const bytes = await writeBackupFile(out, (partial) =>
      runPostgresTool(
        'pg_dump',
        [
          '--format=custom',
          '--no-owner',
          '--no-privileges',
          `--snapshot=${rows[0]!.snapshot}`,
          `--file=${partial}`,
        ],
        connection,
      ),
    );
    await client.query('commit');
    return { database: redactUrl(url), file: out, bytes, contents };
  } finally {
    await client.end();
  }
}

/**
 * Replaces every table of the database's schema with the backup's, in one transaction: either the
 * whole backup is in place afterwards or nothing changed. Refuses, unless forced, while other
 * connections use the database or when it holds data.
 */
export async function restorePostgres(
  url: string,
  backup: string,
  { force }: RestoreOptions,
): Promise<RestoreOutcome> {
  const connection = connectionFor(url);
  const database = redactUrl(url);
  const scratch = mkdtempSync(join(tmpdir(), 'conclave-restore-'));
  try {
    // Rendering the archive to SQL first also proves it is complete before anything is dropped.
    const script = join(scratch, 'restore.sql');
    await runPostgresTool('pg_restore', ['--no-owner', '--no-privileges', `--file=${script}`, backup], null);

    const before = await withClient(url, async (client) => ({
      others: await otherConnections(client),
      contents: await countRows(client),
    }));
    if (!force) {
      if (before.others.length) {
        throw new RestoreRefused(
          `the PostgreSQL database ${database} is in use: ${before.others.join('; ')}. ` +
            'Stop the service first, or run again with --force to restore into it while it runs.',
        );
      }
      if (holdsData(before.contents)) {
        throw new RestoreRefused(
          `the PostgreSQL database ${database} holds data (${describeCounts(before.contents)}), ` +
            'which restoring would replace. Back it up first if you may need it, then run again with --force.',
        );
      }
    }

    const dropTables = join(scratch, 'drop-tables.sql');
    writeFileSync(dropTables, DROP_SCHEMA_TABLES);
    await runPostgresTool(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', dropTables, '-f', script],
      connection,
    );
    return {
      database,
      file: backup,
      contents: await withClient(url, countRows),
      replaced: holdsData(before.contents) ? before.contents : null,
      keptAs: null,
      wasInUse: before.others.length > 0,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Run first in the restore's transaction: tables from a newer schema must not outlive the restore. */
const DROP_SCHEMA_TABLES = `
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)
             FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE ' || t || ' CASCADE';
  END LOOP;
END $$;
`;

/** The libpq tools get the URL without its password (which would show in `ps`); it goes in PGPASSWORD. */
function connectionFor(url: string): PostgresConnection {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), password: password || null };
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'conclave-backup' });
  await client.connect();
  return client;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Other sessions on this database, described for the operator ("conclave from 10.0.0.5"). */
async function otherConnections(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ who: string; n: number }>(
    `select coalesce(nullif(application_name, ''), 'a client') ||
            coalesce(' from ' || host(client_addr), '') as who, count(*)::int as n
       from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()
      group by 1 order by 1`,
  );
  return rows.map((r) => `${r.n} connection${r.n === 1 ? '' : 's'} of ${r.who}`);
}

async function countRows(client: pg.Client): Promise<TableCounts> {
  const { rows: tables } = await client.query<{ name: string }>(
    `select tablename as name from pg_tables
      where schemaname = current_schema() and tablename not like 'kysely%' order by tablename`,
  );
  const counts: TableCounts = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from ${client.escapeIdentifier(name)}`,
    );
    counts[name] = rows[0]!.n;
  }
  return counts;
}
