#!/usr/bin/env node
// Writes the platform API's OpenAPI document, generated from the zod schemas its routes validate
// with (packages/server/src/platform), to docs/openapi.json, and the TypeScript types openapi-typescript
// makes of it to packages/server/test/support/platform-api.d.ts (what the generated-client test uses).
// A test fails while either differs from what the code generates: run this after changing a schema.
//
//   node scripts/openapi.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { openApiFiles } = await tsImport('../packages/server/test/support/openapi-files.ts', import.meta.url);
const files = await openApiFiles();
for (const [path, text] of Object.entries(files)) {
  writeFileSync(join(root, path), text);
  console.log(`written: ${path}`);
}
