import { chmodSync, closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import type { DatabaseKind } from '../db';
import { BackupError } from './outcome';

/**
 * Writes a backup through `write(partialPath)` and only then gives it its name, so an interrupted
 * backup never looks like a complete one. The file is readable by its owner alone: it holds password
 * and session hashes.
 */
export async function writeBackupFile(
  file: string,
  write: (partial: string) => Promise<void>,
): Promise<number> {
  if (existsSync(file))
    throw new BackupError(`${file} already exists; choose another name or remove it first`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    await write(partial);
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return statSync(file).size;
}

const MAGIC: Array<[DatabaseKind, string]> = [
  ['sqlite', 'SQLite format 3\0'],
  ['postgres', 'PGDMP'],
];

/** Which database a backup file is for, from its first bytes: a SQLite file or a pg_dump archive. */
export function backupKind(file: string): DatabaseKind {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new BackupError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const head = Buffer.alloc(16);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const kind = MAGIC.find(([, magic]) => head.toString('latin1').startsWith(magic))?.[0];
  if (!kind)
    throw new BackupError(`${file} is not a Conclave backup (neither a SQLite file nor a pg_dump archive)`);
  return kind;
}
