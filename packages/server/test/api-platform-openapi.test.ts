import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { API_KEY_SCOPES, PLATFORM_API_PREFIX } from '@conclave/protocol';
import { openApiDocument } from '../src/platform';
import { startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { OPENAPI_JSON, OPENAPI_TYPES, openApiFiles } from './support/openapi-files';

const ROOT = join(import.meta.dirname, '../../..');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface OperationObject {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters: Array<{ name: string; in: string; required: boolean }>;
  responses: Record<string, unknown>;
}
type Document = {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], OperationObject>>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: object };
};

/** `METHOD /path` of every route Fastify serves, from its route tree (HEAD, which GET brings, left out). */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.search(/[├└]── /);
    if (at < 0) continue;
    const depth = at / 4;
    const match = /^(\S*)(?: \(([^)]*)\))?$/.exec(line.slice(at + 4));
    if (!match) continue;
    const path = (parents[depth - 1] ?? '') + match[1]!;
    parents[depth] = path;
    for (const method of match[2]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

/** Every `$ref` in the document. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

/** The platform API's OpenAPI document (docs/api.md): valid, complete, and the one checked in. */
describe('platform API: the OpenAPI document', () => {
  let database: TestDatabase;
  let t: TestApp;
  const document = openApiDocument() as Document;

  before(async () => {
    database = await createTestDatabase('sqlite');
    t = await startTestApp(database);
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('IAM-ROLES: every platform route Fastify serves is in the document with its scope, and every operation there is served', () => {
    const served = registeredRoutes(t.app.printRoutes({ commonPrefix: false }))
      .filter((r) => r.split(' ')[1]!.startsWith(`${PLATFORM_API_PREFIX}/`))
      .map((r) => r.replace(/:([A-Za-z]+)/g, '{$1}'))
      .sort();
    const described = Object.entries(document.paths)
      .flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.ok(served.length >= 9, served.join('\n'));
    assert.deepEqual(served, described);

    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.components.securitySchemes.apiKey, {
      ...document.components.securitySchemes.apiKey,
      type: 'http',
      scheme: 'bearer',
    });
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const name = `${method} ${path}`;
        assert.ok(!operationIds.has(operation.operationId), `${name}: operationId is unique`);
        operationIds.add(operation.operationId);
        // Exactly one scope, one the keys know: nothing is reachable with a key without one.
        assert.equal(operation.security.length, 1, name);
        const scopes = operation.security[0]!.apiKey;
        assert.ok(scopes?.length === 1 && (API_KEY_SCOPES as readonly string[]).includes(scopes[0]!), name);
        for (const status of ['401', '403', '429'])
          assert.ok(operation.responses[status], `${name}: ${status}`);
        assert.ok(
          Object.keys(operation.responses).some((s) => s.startsWith('2')),
          `${name}: a success`,
        );
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const pathParams = operation.parameters
          .filter((p) => p.in === 'path')
          .map((p) => {
            assert.equal(p.required, true, `${name}: path parameter ${p.name} is required`);
            return p.name;
          })
          .sort();
        assert.deepEqual(pathParams, inPath, `${name}: its path parameters`);
      }
    }
    for (const ref of refsIn(document)) {
      const id = ref.replace('#/components/schemas/', '');
      assert.ok(ref.startsWith('#/components/schemas/') && id in document.components.schemas, ref);
    }
  });

  test('IAM-ROLES: the checked-in docs/openapi.json and its generated types are what the schemas make now (node scripts/openapi.mjs)', async () => {
    // openapi-typescript reads the document with Redocly's OpenAPI 3.1 parser, and throws on an invalid one.
    const files = await openApiFiles();
    for (const path of [OPENAPI_JSON, OPENAPI_TYPES]) {
      assert.equal(
        readFileSync(join(ROOT, path), 'utf8'),
        files[path],
        `${path} is out of date: run node scripts/openapi.mjs`,
      );
    }
  });

  test('IAM-ROLES: the service serves the document to anyone at /api/openapi.json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.json(), JSON.parse(readFileSync(join(ROOT, OPENAPI_JSON), 'utf8')));
  });
});
