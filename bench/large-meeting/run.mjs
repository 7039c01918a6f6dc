#!/usr/bin/env node
// Large-meeting benchmark entry point; it needs the sandbox:
//   node scripts/sandbox.mjs -- node bench/large-meeting/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./large-meeting.ts');
