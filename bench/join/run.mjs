#!/usr/bin/env node
// Join benchmark entry point (`npm run bench`, which runs it inside scripts/sandbox.mjs).
// The benchmark is TypeScript; this registers tsx so plain `node bench/join/run.mjs` works.
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./main.ts');
