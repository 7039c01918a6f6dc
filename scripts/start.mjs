#!/usr/bin/env node
// Starts the built server on embedded defaults (SQLite under ./data, a local Janus).
// Run through `npm start`, which first runs scripts/setup.mjs.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useSupportedNode } from './lib/runtime.mjs';

await useSupportedNode();

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'packages/server/dist/main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { CONCLAVE_WEB_DIR: join(root, 'apps/web/dist'), ...process.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
