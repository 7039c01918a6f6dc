#!/usr/bin/env node
// Builds the web app (Vite → apps/web/dist), bundles the server (esbuild → packages/server/dist/main.js,
// and dist/backup.js for backup and restore), and builds the browser SDK as a package for other web apps
// (packages/client/dist: scripts/lib/sdk.mjs, docs/sdk.md).
// Workspace packages are bundled from their TypeScript source; npm dependencies stay external.
// `--web-for-e2e` builds only the web app's test build instead (Vite mode `test`, which carries the
// end-to-end tests' hook) into test/e2e/dist/web, where the e2e harness serves it from; `--sdk` builds
// only the SDK.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useSupportedNode } from './lib/runtime.mjs';
import { buildSdk } from './lib/sdk.mjs';

await useSupportedNode();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const forE2e = process.argv.includes('--web-for-e2e');
const sdkOnly = process.argv.includes('--sdk');

function buildWeb() {
  if (!existsSync(join(root, 'apps/web/index.html'))) return;
  const mode = forE2e ? ['--mode', 'test', '--outDir', join(root, 'test/e2e/dist/web')] : [];
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', ...mode, '--logLevel', 'warn'],
    {
      cwd: join(root, 'apps/web'),
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function buildServer() {
  const entry = join(root, 'packages/server/src/main.ts');
  if (!existsSync(entry)) return;
  // The server, and the backup/restore command (`npm run backup`), which reads the same configuration.
  const entryPoints = { main: entry, backup: join(root, 'packages/server/src/backup-main.ts') };
  const { build } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(root, 'packages/server/package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@conclave/'));
  await build({
    entryPoints,
    outdir: join(root, 'packages/server/dist'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: true,
    external,
    logLevel: 'warning',
  });
}

if (!sdkOnly) buildWeb();
if (!forE2e && !sdkOnly) await buildServer();
if (!forE2e) await buildSdk();
