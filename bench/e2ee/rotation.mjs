#!/usr/bin/env node
// Rotation benchmark entry point; the browser part needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/e2ee/rotation.mjs
// BENCH_ONLY=node runs only the 50-member simulation (Node alone, no sandbox).
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./rotation.ts');
