import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openPostgres, openSqlite, type Database, type DatabaseKind } from '../../src/db';

const PG_URL = process.env.CONCLAVE_TEST_PG_URL;

/** Both databases the server supports; PostgreSQL only where scripts/test.mjs started one. */
const DATABASES: ReadonlyArray<{ kind: DatabaseKind; skip: string | false }> = [
  { kind: 'sqlite', skip: false },
  {
    kind: 'postgres',
    skip: PG_URL ? false : 'CONCLAVE_TEST_PG_URL not set: PostgreSQL tests need scripts/test.mjs',
  },
];

/**
 * Declares the same suite once per database. A database that is not available here shows up as one
 * skipped test with the reason, so the run's summary counts it instead of hiding it.
 */
export function describeEachDatabase(title: string, suite: (kind: DatabaseKind) => void): void {
  for (const { kind, skip } of DATABASES) {
    if (skip !== false) test(`${title} on ${kind}`, { skip }, () => {});
    else describe(`${title} on ${kind}`, () => suite(kind));
  }
}

export interface TestDatabase {
  kind: DatabaseKind;
  db: Kysely<Database>;
  /** A scratch folder that is removed on close (the SQLite file lives here). */
  dir: string;
  /** The PostgreSQL database's URL; null for SQLite, whose file is `dir`/conclave.db. */
  url: string | null;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database: a SQLite file in a temp folder, or a new PostgreSQL database created
 * through the superuser URL and dropped again on close.
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-test-'));
  if (kind === 'sqlite') return ready(kind, dir, null, openSqlite(join(dir, 'conclave.db')));
  if (!PG_URL) throw new Error('CONCLAVE_TEST_PG_URL is not set');
  const name = `conclave_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return ready(kind, dir, url.toString(), openPostgres(url.toString(), 5), () =>
    adminQuery(`drop database if exists ${name} with (force)`),
  );
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Migrates a freshly opened database; closing it also drops what was made for it. */
async function ready(
  kind: DatabaseKind,
  dir: string,
  url: string | null,
  handle: { db: Kysely<Database>; close(): Promise<void> },
  dropDatabase: () => Promise<unknown> = async () => {},
): Promise<TestDatabase> {
  await migrateToLatest(handle.db);
  return {
    kind,
    db: handle.db,
    dir,
    url,
    close: async () => {
      await handle.close();
      await dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
