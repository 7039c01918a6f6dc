#!/usr/bin/env node
// Failover benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/failover/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./failover.ts');
