import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * apps/web/dist of the checkout the server runs from, or null outside a checkout. Found by walking up
 * from this module, because the code runs both from source (packages/server/src) and bundled into
 * packages/server/dist/main.js.
 */
export function findDefaultWebDir(start = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'apps', 'web', 'package.json'))) return join(dir, 'apps', 'web', 'dist');
    if (dirname(dir) === dir) return null;
  }
}
