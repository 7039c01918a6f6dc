#!/usr/bin/env node
// CPU benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/e2ee/cpu.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./cpu.ts');
