// The browser SDK (packages/client) as a package another web app installs (docs/sdk.md): built into
// packages/client/dist, which is the package's folder (`npm pack packages/client/dist` makes its
// tarball). Inside the monorepo the workspace still resolves `@conclave/client` to its TypeScript source.
//
// - index.js: one ES module with everything in it (the protocol and E2EE workspace packages and their
//   npm dependencies bundled), so that it also loads in a page without a bundler; the E2EE workers
//   beside it as media-worker.js, codeword.worker.js and watermark.worker.js, which index.js starts
//   with `new Worker(new URL('./….js', import.meta.url))`, a form bundlers follow too; and the noise
//   suppression's AudioWorklet module, noise-suppression.worklet.js (RNNoise's WebAssembly inside it),
//   which it loads from `new URL('./noise-suppression.worklet.js', import.meta.url)`.
// - index.d.ts and types/: the declarations tsc writes for the SDK and the workspace packages its
//   types come from, with the workspace imports made relative and every relative import given its
//   `.js`, so that they resolve under `moduleResolution` node16/nodenext as well as bundler.
// - package.json: `exports` (types, then the module), `files`, no runtime dependencies; zod and ts-mls
//   only for the declarations, which name their types.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const client = join(root, 'packages/client');

const SDK_DIST = join(client, 'dist');

/**
 * The workers and worklets the SDK starts, by the file name `new URL(…, import.meta.url)` gives in its
 * source, and where that source is under packages/client/src.
 */
const WORKERS = {
  'media-worker': 'e2ee/media-worker.ts',
  'codeword.worker': 'e2ee/codeword.worker.ts',
  'watermark.worker': 'e2ee/watermark.worker.ts',
  'noise-suppression.worklet': 'effects/noise-suppression.worklet.ts',
};

/** Workspace packages whose declarations ship inside the SDK's, by the folder they are written to. */
const WORKSPACE_TYPES = { '@conclave/protocol': 'protocol', '@conclave/e2ee': 'e2ee' };

/** npm packages the shipped declarations import types from: the SDK's package must depend on them. */
const TYPE_DEPENDENCIES = [
  ['zod', 'packages/protocol'],
  ['ts-mls', 'packages/e2ee'],
];

/** Builds the SDK's package into `outdir` (default packages/client/dist), replacing what was there. */
export async function buildSdk(outdir = SDK_DIST) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await bundle(outdir);
  declarations(outdir);
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify(manifest(), null, 2)}\n`);
  writeFileSync(join(outdir, 'README.md'), readFileSync(join(root, 'docs/sdk.md'), 'utf8'));
}

async function bundle(outdir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: {
      index: join(client, 'src/index.ts'),
      ...Object.fromEntries(Object.entries(WORKERS).map(([w, source]) => [w, join(client, 'src', source)])),
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [workerUrls],
  });
}

/** The source names its workers' TypeScript files (Vite builds them); the package has their bundles. */
const workerUrls = {
  name: 'sdk-worker-urls',
  setup(build) {
    build.onLoad({ filter: /packages\/client\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const contents = source.replace(/new URL\('\.\/([\w.-]+)\.ts', import\.meta\.url\)/g, (whole, name) => {
        if (!(name in WORKERS)) throw new Error(`${args.path}: unknown worker ${name}`);
        return `new URL('./${name}.js', import.meta.url)`;
      });
      return { contents, loader: 'ts' };
    });
  },
};

function declarations(outdir) {
  const types = join(outdir, 'types');
  const tsconfig = join(outdir, 'tsconfig.types.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: {
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: [],
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: join(root, 'packages'),
        outDir: types,
      },
      // The workspace packages as roots of their own, or tsc would not write their declarations.
      files: ['client', ...Object.values(WORKSPACE_TYPES)].map((p) =>
        join(root, 'packages', p, 'src/index.ts'),
      ),
    }),
  );
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], {
    cwd: root,
    stdio: 'inherit',
  });
  rmSync(tsconfig);
  if (r.status !== 0) throw new Error(`tsc could not write the SDK's declarations (exit ${r.status})`);
  for (const file of walk(types)) {
    if (file.endsWith('.d.ts')) writeFileSync(file, relink(file, readFileSync(file, 'utf8'), types));
  }
  writeFileSync(join(outdir, 'index.d.ts'), "export * from './types/client/src/index.js';\n");
}

/** A declaration file's imports: workspace packages by relative path, and each with its `.js`. */
function relink(file, text, types) {
  const here = dirname(file);
  return text.replace(/(from |import\()(['"])([^'"]+)\2/g, (whole, lead, quote, spec) => {
    let target = null;
    if (spec in WORKSPACE_TYPES) target = join(types, WORKSPACE_TYPES[spec], 'src/index.d.ts');
    else if (spec.startsWith('.')) {
      const base = join(here, spec);
      if (existsSync(`${base}.d.ts`)) target = `${base}.d.ts`;
      else if (existsSync(join(base, 'index.d.ts'))) target = join(base, 'index.d.ts');
      else throw new Error(`${file}: cannot resolve ${spec}`);
    }
    if (target === null) return whole;
    let path = relative(here, target).replace(/\.d\.ts$/, '.js');
    if (!path.startsWith('.')) path = `./${path}`;
    return `${lead}${quote}${path}${quote}`;
  });
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

function manifest() {
  const own = JSON.parse(readFileSync(join(client, 'package.json'), 'utf8'));
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const versionOf = (name, workspace) =>
    JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')).dependencies[name];
  return {
    name: own.name,
    version: own.version,
    description: 'Browser SDK for Conclave meetings: join with a guest token, publish, receive',
    license: rootManifest.license,
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { types: './index.d.ts', default: './index.js' },
      './package.json': './package.json',
    },
    types: './index.d.ts',
    files: [
      'index.js',
      'index.js.map',
      'index.d.ts',
      'types',
      ...Object.keys(WORKERS).flatMap((w) => [`${w}.js`, `${w}.js.map`]),
    ],
    dependencies: Object.fromEntries(
      TYPE_DEPENDENCIES.map(([name, workspace]) => [name, versionOf(name, workspace)]),
    ),
  };
}
