/** Rows per table (Kysely's own migration bookkeeping left out): what a backup holds, or a database. */
export type TableCounts = Record<string, number>;

export interface BackupOutcome {
  /** The database that was backed up, without credentials. */
  database: string;
  file: string;
  bytes: number;
  contents: TableCounts;
}

export interface RestoreOutcome {
  database: string;
  file: string;
  /** What the database holds now. */
  contents: TableCounts;
  /** What it held before, when that was anything. */
  replaced: TableCounts | null;
  /** Where the replaced data was kept, when it was (SQLite keeps a copy; PostgreSQL does not). */
  keptAs: string | null;
  /** Another process had the database open (the restore was forced). */
  wasInUse: boolean;
}

export interface RestoreOptions {
  /** Restore even into a database that is in use or holds data. */
  force: boolean;
}

/** The command did nothing, on purpose: restoring would have harmed something. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

/** A backup or restore that could not be done (missing tool, unreadable file, failed dump…). */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
  }
}

export const holdsData = (counts: TableCounts) => Object.values(counts).some((n) => n > 0);

/** "meetings 2, organisations 1, users 3": the tables that have rows. */
export function describeCounts(counts: TableCounts): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return entries.length ? entries.map(([table, n]) => `${table} ${n}`).join(', ') : 'no rows';
}
