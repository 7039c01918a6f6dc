#!/usr/bin/env node
// Typechecks every TypeScript project (`npm run typecheck`, and the static step of scripts/test.mjs):
// each npm workspace and scripts/ (its tests), one `tsc -p` each. Not `tsc -b` with project references:
// the workspaces import each other's TypeScript source, which references would replace with emitted
// declarations.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

let failed = 0;
for (const project of [...workspaces, 'scripts']) {
  console.log(`typecheck ${project}`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
