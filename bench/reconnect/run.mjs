#!/usr/bin/env node
// Reconnect benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/reconnect/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./reconnect.ts');
