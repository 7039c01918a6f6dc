#!/usr/bin/env node
// Usage report benchmark entry point (issue 14); no sandbox needed (a database only, no network):
//   node bench/reports/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./reports.ts');
