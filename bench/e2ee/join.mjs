#!/usr/bin/env node
// E2EE join benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/e2ee/join.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./join.ts');
