#!/usr/bin/env node
// TURN benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/turn/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./turn.ts');
