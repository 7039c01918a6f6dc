import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../common/clock';

/** The folder of the data folder that log files go to (CONCLAVE_LOG_FILES). */
export const logsFolder = (dataDir: string) => join(dataDir, 'logs');

/** `conclave-2026-01-31.log`: one file per UTC day, named by it. */
const FILE_NAME = /^conclave-(\d{4})-(\d{2})-(\d{2})\.log$/;

/** The UTC day of an instant, as `YYYY-MM-DD`. */
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

const logFileName = (at: Date) => `conclave-${dayOf(at)}.log`;

/**
 * The UTC midnight that starts the day a log file holds, or null for any name this server does not
 * write (retention deletes nothing else in the folder).
 */
export function logFileDay(name: string): Date | null {
  const match = FILE_NAME.exec(name);
  if (!match) return null;
  const day = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`);
  // Rejects 2026-02-31 and the like, which Date would quietly roll over into March.
  return Number.isNaN(day.getTime()) || dayOf(day) !== `${match[1]}-${match[2]}-${match[3]}` ? null : day;
}

/**
 * A log destination writing each line to the file of the day the clock says it is, switching file
 * when the UTC day changes; retention deletes the files 30 days after their day (PRIV-RETENTION). The
 * folder is the service user's alone (0700) and so are the files (0600): logs name people's addresses.
 * Writes are synchronous, like pino's own stdout, so nothing is lost when the process exits. When a
 * file cannot be written (disk full, folder not writable) that is said once on stderr and the lines
 * go to stdout only until the next day's file.
 */
export class DailyLogFiles {
  private day: string | null = null;
  private fd: number | null = null;

  constructor(
    private readonly folder: string,
    private readonly clock: Clock,
    private readonly onError: (err: unknown, file: string) => void = reportOnStderr,
  ) {}

  write(line: string): void {
    const now = this.clock.now();
    if (dayOf(now) !== this.day) this.open(now);
    if (this.fd === null) return;
    try {
      const bytes = Buffer.from(line, 'utf8');
      for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done);
    } catch (err) {
      this.onError(err, join(this.folder, logFileName(now)));
      this.closeFile();
    }
  }

  close(): void {
    this.closeFile();
    this.day = null;
  }

  private open(now: Date): void {
    this.closeFile();
    this.day = dayOf(now);
    const file = join(this.folder, logFileName(now));
    try {
      mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      chmodSync(this.folder, 0o700);
      this.fd = openSync(file, 'a', 0o600);
      // A file made earlier by hand or another umask is tightened too.
      fchmodSync(this.fd, 0o600);
    } catch (err) {
      this.onError(err, file);
      this.closeFile();
    }
  }

  private closeFile(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } catch {
      // Already unusable; nothing more to do with it.
    }
  }
}

function reportOnStderr(err: unknown, file: string): void {
  const why = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Cannot write the log file ${file} (${why}); logging to stdout only\n`);
}
