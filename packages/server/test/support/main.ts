import { spawnSync } from 'node:child_process';
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
