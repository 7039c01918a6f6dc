import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { logFileDay } from '../http';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long server logs are kept (PRIV-RETENTION). */
const LOGS_KEPT_MS = 30 * DAY_MS;

/**
 * Deletes the log files (http/log-files.ts) whose every line is at least LOGS_KEPT_MS old: the file of
 * day D goes once it is D + 1 day + 30 days, UTC (the file of 1 January at 00:00 on 1 February), and
 * not a moment before. Only names the server writes are touched, nothing else in the folder. Returns
 * the names deleted; a missing folder (logs never written to files) is nothing to do.
 */
export async function deleteOldLogFiles(folder: string, now: Date): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const deleted: string[] = [];
  for (const name of names.sort()) {
    const day = logFileDay(name);
    if (!day || now.getTime() < day.getTime() + DAY_MS + LOGS_KEPT_MS) continue;
    try {
      await unlink(join(folder, name));
      deleted.push(name);
    } catch (err) {
      // Another node sharing the folder deleted it first.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return deleted;
}
