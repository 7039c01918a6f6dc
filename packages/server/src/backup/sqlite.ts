import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { writeBackupFile } from './files';
import {
  BackupError,
  RestoreRefused,
  describeCounts,
  holdsData,
  type BackupOutcome,
  type RestoreOptions,
  type RestoreOutcome,
  type TableCounts,
} from './outcome';

/**
 * Copies the live database with SQLite's online backup API: consistent even while the server writes,
 * which keeps running. The copy is switched out of WAL mode so that it is one self-contained file.
 */
export async function backupSqlite(dbFile: string, out: string): Promise<BackupOutcome> {
  if (!existsSync(dbFile)) throw new BackupError(`there is no SQLite database at ${dbFile}`);
  const source = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    const bytes = await writeBackupFile(out, async (partial) => {
      await source.backup(partial);
      withFile(partial, {}, (copy) => copy.pragma('journal_mode = DELETE'));
    });
    return { database: dbFile, file: out, bytes, contents: withFile(out, { readonly: true }, countRows) };
  } finally {
    source.close();
  }
}

/**
 * Replaces the database at `dbFile` with the backup's contents, through the backup API so that SQLite's
 * own locking applies. Refuses, unless forced, when another process has the database open or when it
 * holds data; data that is replaced is first copied to `<dbFile>.before-restore-<time>`.
 */
export async function restoreSqlite(
  backup: string,
  dbFile: string,
  { force }: RestoreOptions,
  now = new Date(),
): Promise<RestoreOutcome> {
  // Work on a private copy: opening the caller's file could leave WAL side files beside it.
  const scratch = mkdtempSync(join(tmpdir(), 'conclave-restore-'));
  try {
    const copy = join(scratch, basename(backup));
    copyFileSync(backup, copy);
    const source = openBackup(copy, backup);
    try {
      const existing = existsSync(dbFile) ? inspectTarget(dbFile) : null;
      if (existing && !force) {
        if (existing.inUse) {
          throw new RestoreRefused(
            `the SQLite database ${dbFile} is in use: the Conclave server (or another program) has it open. ` +
              'Stop the service first, or run again with --force to restore into it while it runs.',
          );
        }
        if (holdsData(existing.contents)) {
          throw new RestoreRefused(
            `the SQLite database ${dbFile} holds data (${describeCounts(existing.contents)}), ` +
              'which restoring would replace. Run again with --force to replace it (a copy of it is kept).',
          );
        }
      }
      let keptAs: string | null = null;
      if (existing && holdsData(existing.contents)) {
        keptAs = `${dbFile}.before-restore-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`;
        await withFile(dbFile, { readonly: true }, (current) => current.backup(keptAs!));
        withFile(keptAs, {}, (kept) => kept.pragma('journal_mode = DELETE'));
        chmodSync(keptAs, 0o600);
      }
      mkdirSync(dirname(dbFile), { recursive: true });
      await source.backup(dbFile);
      return {
        database: dbFile,
        file: backup,
        contents: withFile(dbFile, { readonly: true }, countRows),
        replaced: existing && holdsData(existing.contents) ? existing.contents : null,
        keptAs,
        wasInUse: existing?.inUse ?? false,
      };
    } finally {
      source.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function openBackup(copy: string, shownAs: string): SqliteDatabase.Database {
  const db = new SqliteDatabase(copy, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${shownAs} is damaged: ${String(check)}`);
    const migrations = db
      .prepare("select count(*) from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .pluck()
      .get();
    if (migrations === 0) throw new BackupError(`${shownAs} is a SQLite file but not a Conclave database`);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${shownAs} cannot be read as a SQLite database: ${(err as Error).message}`);
  }
}

function inspectTarget(dbFile: string): { inUse: boolean; contents: TableCounts } {
  return withFile(dbFile, { timeout: 0 }, (db) => ({ inUse: isOpenElsewhere(db), contents: countRows(db) }));
}

/**
 * The server keeps its database in WAL mode, where every open connection holds a shared lock for as
 * long as it is open, even when idle; so an exclusive lock is refused exactly while someone has it open.
 */
function isOpenElsewhere(db: SqliteDatabase.Database): boolean {
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    db.pragma('locking_mode = NORMAL');
  }
}

function countRows(db: SqliteDatabase.Database): TableCounts {
  const tables = db
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite%' and name not like 'kysely%' order by name",
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [
      t,
      db
        .prepare(`select count(*) from "${t.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number,
    ]),
  );
}

function withFile<T>(
  file: string,
  options: SqliteDatabase.Options,
  use: (db: SqliteDatabase.Database) => T,
): T {
  const db = new SqliteDatabase(file, { fileMustExist: true, ...options });
  try {
    const result = use(db);
    if (result instanceof Promise) return result.finally(() => db.close()) as T;
    db.close();
    return result;
  } catch (err) {
    db.close();
    throw err;
  }
}
