import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

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
