import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackupError } from './outcome';

export interface PostgresConnection {
  /** A libpq connection URL without its password. */
  dbname: string;
  password: string | null;
}

const DEBIAN_VERSIONS = '/usr/lib/postgresql';

/**
 * The newest installed version of a PostgreSQL client tool. Debian keeps each major version in its own
 * folder; pg_dump must be at least as new as the server, so the newest is the one most likely to work.
 */
function findPostgresTool(name: string): string {
  if (existsSync(DEBIAN_VERSIONS)) {
    const versions = readdirSync(DEBIAN_VERSIONS).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const tool = join(DEBIAN_VERSIONS, version, 'bin', name);
      if (existsSync(tool)) return tool;
    }
  }
  return name;
}

/** Runs pg_dump, pg_restore or psql; a failure carries the tool's own words. */
export function runPostgresTool(
  name: 'pg_dump' | 'pg_restore' | 'psql',
  args: string[],
  connection: PostgresConnection | null,
): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: 'conclave-backup' };
  delete env.PGPASSWORD;
  if (connection?.password) env.PGPASSWORD = connection.password;
  const all = connection ? [...args, `--dbname=${connection.dbname}`] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(findPostgresTool(name), all, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new BackupError(
              `${name} is not installed; it comes with PostgreSQL's client tools (Debian: apt-get install postgresql-client)`,
            )
          : err,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupError(`${name} failed (exit code ${code}): ${stderr.trim() || 'no message'}`));
    });
  });
}
