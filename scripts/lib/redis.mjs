// A throwaway Redis for the test suite, from Debian's redis-server: its own temp folder, loopback
// only, nothing written to disk (no RDB snapshots, no AOF), killed and deleted on stop.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.mjs';
import { REDIS_SERVER } from '../setup.mjs';

/** Whether the server answers PING with PONG (RESP inline command, so no client library is needed). */
function pings(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export async function startThrowawayRedis() {
  if (!existsSync(REDIS_SERVER)) throw new Error('Redis is not installed (Debian package redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'conclave-redis-'));
  const port = await freePort();
  // Every setting on the command line: no configuration file is read, so /etc/redis is not used.
  const proc = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => proc.once('exit', r));
  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Redis did not start: ${stderr.trim() || `exit code ${proc.exitCode}`}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      // Nothing to keep: SIGKILL cannot leave anything behind that matters, and never waits.
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
