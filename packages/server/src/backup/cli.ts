import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, sqlitePath, type Config } from '../config';
import { backupKind } from './files';
import {
  BackupError,
  RestoreRefused,
  describeCounts,
  type BackupOutcome,
  type RestoreOutcome,
} from './outcome';
import { backupPostgres, restorePostgres } from './postgres';
import { backupSqlite, restoreSqlite } from './sqlite';

const USAGE = `Usage:
  npm run backup -- --out FILE       copy the database to FILE; the service may keep running
  npm run restore -- FILE [--force]  replace the database with the backup in FILE
Both read the server's configuration (${DEFAULT_CONFIG_FILE} or CONCLAVE_CONFIG, then the
environment): DATABASE_URL selects PostgreSQL, otherwise the SQLite file in the data folder is used.
Restore refuses a database that is in use or holds data unless --force is given.`;

export interface CliContext {
  env: NodeJS.ProcessEnv;
  /** The server's working directory (the configuration's relative paths resolve against it). */
  cwd: string;
  print(line: string): void;
  printError(line: string): void;
}

/** `backup --out FILE` or `restore FILE [--force]`; returns the exit code. */
export async function runBackupCli(argv: string[], ctx: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(command, rest);
  } catch (err) {
    ctx.printError(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    ctx.print(USAGE);
    return 0;
  }
  // npm runs scripts from the project folder and says where the user was in INIT_CWD.
  const userPath = (p: string) => resolve(ctx.env.INIT_CWD ?? ctx.cwd, p);
  try {
    const config = loadConfig(ctx.env, { cwd: ctx.cwd, defaultConfigFile: DEFAULT_CONFIG_FILE });
    if (parsed.command === 'backup') {
      const out = userPath(parsed.file);
      const outcome = config.databaseUrl
        ? await backupPostgres(config.databaseUrl, out)
        : await backupSqlite(sqlitePath(config), out);
      describeBackup(outcome, config).forEach((line) => ctx.print(line));
    } else {
      const file = userPath(parsed.file);
      const outcome = await restore(config, file, parsed.force);
      describeRestore(outcome, config).forEach((line) => ctx.print(line));
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) ctx.printError(`Configuration error: ${err.message}`);
    else if (err instanceof RestoreRefused) ctx.printError(`Refused, nothing was changed: ${err.message}`);
    // Anything else (a refused connection, a full disk…) is reported in its own words too: the
    // operator needs the reason, not a stack trace.
    else
      ctx.printError(
        `${capitalise(parsed.command)} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    return 1;
  }
}

function parseCommand(command: string | undefined, args: string[]) {
  if (command !== 'backup' && command !== 'restore')
    throw new Error(`Unknown command: ${command ?? '(none)'}`);
  const { values, positionals } = parseArgs({
    args,
    options: {
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) return { command, help: true, file: '', force: false } as const;
  if (command === 'backup') {
    if (!values.out || positionals.length) throw new Error('backup takes --out FILE and nothing else');
    return { command, help: false, file: values.out, force: false } as const;
  }
  if (positionals.length !== 1 || values.out) throw new Error('restore takes one backup FILE (and --force)');
  return { command, help: false, file: positionals[0]!, force: values.force } as const;
}

async function restore(config: Config, file: string, force: boolean): Promise<RestoreOutcome> {
  const kind = backupKind(file);
  if (kind === 'sqlite' && config.databaseUrl) {
    throw new BackupError(
      `${file} is a SQLite backup, but the configured database is PostgreSQL (DATABASE_URL)`,
    );
  }
  if (kind === 'postgres' && !config.databaseUrl) {
    throw new BackupError(
      `${file} is a PostgreSQL backup, but the configured database is the SQLite file ${sqlitePath(config)} ` +
        '(set DATABASE_URL to restore into PostgreSQL)',
    );
  }
  return config.databaseUrl
    ? restorePostgres(config.databaseUrl, file, { force })
    : restoreSqlite(file, sqlitePath(config), { force });
}

const kindName = (config: Config) => (config.databaseUrl ? 'PostgreSQL' : 'SQLite');

function describeBackup(o: BackupOutcome, config: Config): string[] {
  return [
    `Backed up the ${kindName(config)} database ${o.database} to ${o.file} (${formatBytes(o.bytes)}).`,
    `It holds: ${describeCounts(o.contents)}.`,
  ];
}

function describeRestore(o: RestoreOutcome, config: Config): string[] {
  const lines = [
    `Restored ${o.file} into the ${kindName(config)} database ${o.database}.`,
    `It now holds: ${describeCounts(o.contents)}.`,
  ];
  if (o.replaced) {
    lines.push(
      `It replaced: ${describeCounts(o.replaced)}${o.keptAs ? ` (a copy is kept as ${o.keptAs})` : ''}.`,
    );
  } else {
    lines.push('The database held no data before.');
  }
  if (o.wasInUse)
    lines.push('The database was in use: restart the service so that it forgets what it held in memory.');
  return lines;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
