import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The SDK names its AudioWorklet modules as it names its workers, `new URL('./x.worklet.ts',
 * import.meta.url)`; Vite bundles such a file only inside `new Worker(…)` and would otherwise ship the
 * TypeScript as it is. This hands each to Vite's worker bundler instead (`?worker&url`), which gives
 * the URL of a self-contained bundle (RNNoise's WebAssembly inside, for noise suppression). Vite's
 * worker bundles are scripts (format iife), in which `import.meta.url` becomes `self.location.href`,
 * which a worklet's scope lacks: RNNoise's only use of it, the folder of a separately served .wasm,
 * does not apply to its inlined WebAssembly, so it is left undefined there.
 */
function workletUrls(): Plugin {
  const pattern = /new URL\('(\.\/[\w.-]+\.worklet\.ts)', import\.meta\.url\)/g;
  return {
    name: 'conclave-worklet-urls',
    enforce: 'pre',
    transform(code, id) {
      if (id.endsWith('/@jitsi/rnnoise-wasm/dist/rnnoise-sync.js')) {
        return {
          code: code.replace('var _scriptDir = import.meta.url;', 'var _scriptDir = undefined;'),
          map: null,
        };
      }
      if (!/\/packages\/client\/src\/.*\.ts$/.test(id) || !code.includes('.worklet.ts')) return undefined;
      const imports: string[] = [];
      const replaced = code.replace(pattern, (_, path: string) => {
        const name = `__workletUrl${imports.length}`;
        imports.push(`import ${name} from '${path}?worker&url';`);
        return `new URL(${name}, import.meta.url)`;
      });
      return imports.length ? { code: `${imports.join('\n')}\n${replaced}`, map: null } : undefined;
    },
  };
}

/** Where `vite dev` sends API and signaling traffic: a Conclave server started separately. */
const API_TARGET = 'http://127.0.0.1:8080';

/**
 * MediaPipe's selfie segmentation (background blur and replacement, issue 19): its loader, model and
 * WebAssembly, served by Conclave itself under EFFECT_ASSETS (the SDK's BackgroundProcessor loads
 * them from there as the scripts and files they are; nothing comes from another host). Only the
 * landscape model the SDK uses; the SIMD WebAssembly and the one for browsers without SIMD.
 */
const EFFECT_ASSETS = 'effects/mediapipe';
const MEDIAPIPE_FILES = [
  'selfie_segmentation.js',
  'selfie_segmentation.binarypb',
  'selfie_segmentation_landscape.tflite',
  'selfie_segmentation_solution_simd_wasm_bin.js',
  'selfie_segmentation_solution_simd_wasm_bin.wasm',
  'selfie_segmentation_solution_simd_wasm_bin.data',
  'selfie_segmentation_solution_wasm_bin.js',
  'selfie_segmentation_solution_wasm_bin.wasm',
];
// The SDK's dependency, resolved from the SDK's folder.
const mediapipeDir = dirname(
  createRequire(new URL('../../packages/client/package.json', import.meta.url)).resolve(
    '@mediapipe/selfie_segmentation/package.json',
  ),
);
const CONTENT_TYPES: Record<string, string> = { js: 'text/javascript', wasm: 'application/wasm' };

function effectAssets(): Plugin {
  return {
    name: 'conclave-effect-assets',
    configureServer(server) {
      server.middlewares.use(`/${EFFECT_ASSETS}/`, (req, res, next) => {
        const name = (req.url ?? '').split('?')[0]?.replace(/^\//, '') ?? '';
        if (!MEDIAPIPE_FILES.includes(name)) return next();
        const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
        res.setHeader('content-type', type);
        createReadStream(join(mediapipeDir, name)).pipe(res);
      });
    },
    generateBundle() {
      for (const name of MEDIAPIPE_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `${EFFECT_ASSETS}/${name}`,
          source: readFileSync(join(mediapipeDir, name)),
        });
      }
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), workletUrls(), effectAssets()],
  // In a build, only these plugins see what goes into the workers' (and worklets') bundles.
  worker: { plugins: () => [workletUrls()] },
  resolve: {
    // The end-to-end tests' hook on window (meeting/testHook.ts) is in `--mode test` builds only; the
    // others get its no-op twin, so that not even their source maps mention it. Whichever folder
    // imports it (the meeting's join flow, the room screen).
    alias:
      mode === 'test'
        ? []
        : [
            {
              find: /^(?:\.|\.\.\/meeting)\/testHook$/,
              replacement: fileURLToPath(new URL('./src/meeting/testHook.off.ts', import.meta.url)),
            },
          ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      // The app, and the pages the server's own headless browsers open: the recorder's (REC-START)
      // and a SIP call's gateway (INTEROP-SIP), each a page of its own that loads nothing of the app.
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        egress: fileURLToPath(new URL('./egress.html', import.meta.url)),
        sipGateway: fileURLToPath(new URL('./sip-gateway.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: {
      '/api': {
        target: API_TARGET,
        ws: true,
        changeOrigin: true,
        // The server only accepts signaling sockets from its own public origin.
        headers: { origin: API_TARGET },
      },
    },
  },
  preview: {
    proxy: {
      '/api': { target: API_TARGET, ws: true, changeOrigin: true, headers: { origin: API_TARGET } },
    },
  },
}));
