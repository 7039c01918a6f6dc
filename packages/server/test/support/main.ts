import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..', '..', '..');

/**
 * Runs one of the server's real entry points (src/main.ts by default) from source with only the given
 * environment (and PATH), until it exits.
 */
export function runMain(env: Record<string, string>, args: string[] = [], entry = 'main.ts') {
  return spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', '..', 'src', entry), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/**
 * Starts the real server (src/main.ts) from source with only the given environment (and PATH), and
 * leaves it running: `printed` waits for a line, `exited` for its exit code.
 */
export function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', '..', 'src', 'main.ts')], {
    cwd: REPO,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Resolves once stdout holds `text`; fails if the process exits or a minute passes first. */
  const printed = async (text: string) => {
    const deadline = Date.now() + 60_000;
    while (!out.stdout.includes(text)) {
      if (child.exitCode !== null || Date.now() > deadline)
        assert.fail(`server did not start:\n${out.stdout}\n${out.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, out, exited, printed };
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for a server started with startMain. */
export { freePort } from '../../src/media/janus-supervisor';
