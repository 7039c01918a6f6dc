#!/usr/bin/env node
// Chat benchmark entry point (issue 12); no sandbox needed (no media, 127.0.0.1 only):
//   node bench/chat/run.mjs
import { register } from 'tsx/esm/api';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();
register();
await import('./chat.ts');
