import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..', '..', '..');

/** Runs the server's real entry point from source with only the given environment (and PATH), until it exits. */
export function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', '..', 'src', 'main.ts')], {
    cwd: REPO,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}
