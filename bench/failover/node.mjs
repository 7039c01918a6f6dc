#!/usr/bin/env node
// Control-plane failover benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/failover/node.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./node.ts');
