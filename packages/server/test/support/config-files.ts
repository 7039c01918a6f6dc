import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { ConfigError } from '../../src/config';

/**
 * A scratch folder for configuration files, removed after the test file's tests: `write` puts a new
 * file there and returns its path.
 */
export function configFiles(prefix: string): { dir: string; write(text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  return {
    dir,
    write(text) {
      const path = join(dir, `conclave-${++files}.json`);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** The ConfigError loading a configuration from `env` throws; fails the test when it throws none or another error. */
export function configErrorOf(
  load: (env: Record<string, string>) => unknown,
  env: Record<string, string>,
): ConfigError {
  try {
    load(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(env)}`);
}
