#!/usr/bin/env node
// Signaling scale benchmark entry point (NET-SCALE); it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/scale/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./scale.ts');
