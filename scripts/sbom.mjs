#!/usr/bin/env node
// Writes a CycloneDX software bill of materials of what Conclave ships and runs: the production
// dependencies of the protocol, client, server and web packages, at the versions package-lock.json pins.
// Build, test and benchmark tools (devDependencies, the e2e and bench workspaces) are not part of it.
//
//   node scripts/sbom.mjs [--out FILE]      (default: dist/sbom.cdx.json; `npm run sbom`)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SBOM = join(root, 'dist', 'sbom.cdx.json');
export const PRODUCT_WORKSPACES = ['packages/protocol', 'packages/client', 'packages/server', 'apps/web'];

/**
 * Drops the packages that only build and test tools need. Not npm's `--omit=dev`: that also drops any
 * package a devDependency needs too, even one the product needs (npm/cli#7909; Knip, a devDependency,
 * took zod out that way). package-lock.json marks `dev` only what nothing but devDependencies needs.
 */
function withoutDevOnly(bom) {
  const { packages } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const shipped = new Set(
    Object.entries(packages).flatMap(([path, entry]) => {
      if (entry.dev || entry.link) return [];
      // The root and the workspaces are locked by folder and named inside; the rest by install path.
      const at = path.lastIndexOf('node_modules/');
      return `${at < 0 ? entry.name : path.slice(at + 'node_modules/'.length)}@${entry.version}`;
    }),
  );
  const kept = (ref) => shipped.has(ref);
  return {
    ...bom,
    components: bom.components.filter((c) => kept(c['bom-ref'])),
    dependencies: bom.dependencies
      .filter((d) => kept(d.ref))
      .map((d) => ({ ...d, dependsOn: d.dependsOn?.filter(kept) })),
  };
}

export function writeSbom(out = DEFAULT_SBOM) {
  const npm = spawnSync(
    'npm',
    [
      'sbom',
      '--sbom-format=cyclonedx',
      '--package-lock-only',
      ...PRODUCT_WORKSPACES.flatMap((w) => ['--workspace', w]),
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (npm.status !== 0) throw new Error(`npm sbom failed: ${npm.stderr || npm.error?.message}`);
  const bom = withoutDevOnly(JSON.parse(npm.stdout));
  // npm names the root component after its folder (a checkout may be called anything).
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  Object.assign(bom.metadata.component, { name, version });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.partial`, `${JSON.stringify(bom, null, 2)}\n`);
  renameSync(`${out}.partial`, out);
  return bom;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  // npm runs scripts from the project folder and says where the user was in INIT_CWD.
  const out = i > 0 ? resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[i + 1]) : DEFAULT_SBOM;
  try {
    const bom = writeSbom(out);
    const shown = out.startsWith(`${root}/`) ? relative(root, out) : out;
    console.log(
      `SBOM (CycloneDX ${bom.specVersion}, ${bom.components.length} components) written to ${shown}`,
    );
  } catch (err) {
    console.error(`[sbom] ${err.message}`);
    process.exit(1);
  }
}
