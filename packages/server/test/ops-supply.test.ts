import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { REPO } from './support/main';

interface Component {
  name: string;
  version: string;
  purl?: string;
  'bom-ref': string;
}
interface Bom {
  bomFormat: string;
  specVersion: string;
  metadata: { component: { name: string; version: string } };
  components: Component[];
}
interface LockEntry {
  version?: string;
  dev?: boolean;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const lock = readJson<{ packages: Record<string, LockEntry> }>(join(REPO, 'package-lock.json')).packages;
const PRODUCT = ['packages/protocol', 'packages/client', 'packages/server', 'apps/web'];

/** Every locked copy of a package: hoisted (node_modules/x) and nested (…/node_modules/x). */
function locked(name: string): LockEntry[] {
  return Object.entries(lock)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([, entry]) => entry);
}

let bom: Bom;
before(() => {
  // The test runner writes the SBOM CI keeps and names it here; run alone, this test makes its own.
  const given = process.env.CONCLAVE_TEST_SBOM;
  if (given) {
    bom = readJson<Bom>(given);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'conclave-sbom-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'scripts', 'sbom.mjs'), '--out', join(dir, 'sbom.json')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    bom = readJson<Bom>(join(dir, 'sbom.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('OPS-SUPPLY: the SBOM is CycloneDX JSON describing Conclave', () => {
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.match(bom.specVersion, /^1\.\d+$/);
  const root = readJson<{ name: string; version: string }>(join(REPO, 'package.json'));
  assert.deepEqual(bom.metadata.component.name, root.name);
  assert.deepEqual(bom.metadata.component.version, root.version);
  assert.ok(bom.components.length > 50, `${bom.components.length} components`);
});

test("OPS-SUPPLY: the SBOM lists every runtime dependency at package-lock.json's version", () => {
  const runtime = PRODUCT.flatMap((w) =>
    Object.keys(
      readJson<{ dependencies?: Record<string, string> }>(join(REPO, w, 'package.json')).dependencies ?? {},
    ),
  ).filter((name) => !name.startsWith('@conclave/'));
  for (const expected of ['fastify', 'kysely', 'react', 'react-dom', 'zod', 'pg', 'better-sqlite3']) {
    assert.ok(runtime.includes(expected), `${expected} is a runtime dependency`);
  }
  for (const name of runtime) {
    const version = lock[`node_modules/${name}`]?.version;
    const listed = bom.components.filter((c) => c.name === name).map((c) => c.version);
    assert.deepEqual(listed, [version], `${name} in the SBOM`);
    assert.ok(bom.components.some((c) => c.purl === `pkg:npm/${name.replace('@', '%40')}@${version}`));
  }
});

test('OPS-SUPPLY: every component of the SBOM is a locked production package, and no build or test tool is', () => {
  for (const c of bom.components) {
    if (c['bom-ref'].startsWith('@conclave/')) continue; // the product's own workspaces
    const copies = locked(c.name).filter((e) => e.version === c.version);
    assert.ok(copies.length > 0, `${c.name}@${c.version} is pinned in package-lock.json`);
    assert.ok(
      copies.some((e) => !e.dev),
      `${c.name}@${c.version} is not a development-only package`,
    );
  }
  const names = new Set(bom.components.map((c) => c.name));
  for (const tool of [
    'typescript',
    'eslint',
    'prettier',
    'esbuild',
    'tsx',
    'vite',
    'playwright-core',
    // Our own type packages. (@types/node itself is in: @node-saml/node-saml lists type packages
    // among its runtime dependencies, so a production install brings it.)
    '@types/nodemailer',
  ]) {
    assert.ok(!names.has(tool), `${tool} is not in the SBOM`);
  }
});
