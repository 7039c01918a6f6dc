#!/usr/bin/env node
// Background blur benchmark (issue 19): frames per second and Chromium's CPU with blur vs without,
// at 640×360 and 1280×720, in one run. No media server, so no sandbox:
//   node bench/effects/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./effects.ts');
