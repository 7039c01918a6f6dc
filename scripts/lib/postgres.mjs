// A throwaway PostgreSQL cluster from Debian's binaries for the test suite: its own data folder,
// loopback only, trust auth for the one local user, deleted on stop.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.mjs';
import { findPostgresBin } from '../setup.mjs';

/** Runs as the postgres system user when we are root, since initdb and postgres refuse root. */
function asPostgres(cmd, args) {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export async function startThrowawayPostgres() {
  const initdb = findPostgresBin('initdb');
  const postgres = findPostgresBin('postgres');
  if (!initdb || !postgres) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'conclave-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  const [c1, a1] = asPostgres(initdb, [
    '-D',
    dataDir,
    '-U',
    'conclave',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const init = spawnSync(c1, a1, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [c2, a2] = asPostgres(postgres, [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ]);
  const proc = spawn(c2, a2, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const url = `postgres://conclave@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = spawnSync(
      findPostgresBin('pg_isready') ?? 'pg_isready',
      ['-h', '127.0.0.1', '-p', String(port)],
      { encoding: 'utf8' },
    );
    if (r.status === 0) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`PostgreSQL did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      // runuser does not pass SIGINT on, so signal the postmaster itself: SIGINT is its fast shutdown.
      const exited = new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      try {
        const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGINT');
      } catch {
        proc.kill('SIGTERM');
      }
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
