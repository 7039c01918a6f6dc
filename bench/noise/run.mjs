#!/usr/bin/env node
// Noise suppression benchmark entry point (issue 19 part 2, see noise.ts); no sandbox needed (Chromium
// on 127.0.0.1 only):
//   node bench/noise/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./noise.ts');
