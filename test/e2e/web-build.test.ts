// OPS-SETUP: `npm start` serves the production build of the web app, and that build carries no trace
// of the hook through which the end-to-end tests read a page's SDK room (window.__conclave): only the
// tests' own build has it. No browser or media is involved.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ensureWebBuild } from './support/server';

const HOOK = '__conclave';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function filesMentioning(dir: string, text: string): string[] {
  return filesUnder(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes(text));
}

test('OPS-SETUP: the production web build (apps/web/dist) does not contain the test hook, source maps included', () => {
  const dir = ensureWebBuild('production');
  const files = filesUnder(dir);
  assert.ok(
    files.some((f) => f.endsWith('.js')) && files.some((f) => f.endsWith('.js.map')),
    `no script or source map in ${dir}: ${files.join(', ')}`,
  );
  assert.deepEqual(filesMentioning(dir, HOOK), [], `${HOOK} is in the production build`);
});

test('OPS-SETUP: the test build, which the e2e tests serve, does contain the hook', () => {
  const dir = ensureWebBuild('test');
  const scripts = filesMentioning(dir, HOOK).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length > 0, `${HOOK} is not in any script of ${dir}`);
});
