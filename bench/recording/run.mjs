#!/usr/bin/env node
// Recording benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/recording/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./recording.ts');
