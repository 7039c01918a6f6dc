#!/usr/bin/env node
// Builds the web app (Vite → apps/web/dist) and bundles the server (esbuild → packages/server/dist/main.js).
// Workspace packages are bundled from their TypeScript source; npm dependencies stay external.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useSupportedNode } from './lib/runtime.mjs';

await useSupportedNode();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function buildWeb() {
  if (!existsSync(join(root, 'apps/web/index.html'))) return;
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
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
  const { build } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(root, 'packages/server/package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@conclave/'));
  await build({
    entryPoints: [entry],
    outfile: join(root, 'packages/server/dist/main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: true,
    external,
    logLevel: 'warning',
  });
}

buildWeb();
await buildServer();
