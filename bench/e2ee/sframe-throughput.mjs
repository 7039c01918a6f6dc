#!/usr/bin/env node
// SFrame throughput benchmark entry point (see sframe-throughput.ts); no sandbox needed:
//   node bench/e2ee/sframe-throughput.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./sframe-throughput.ts');
