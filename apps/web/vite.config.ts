import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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
  plugins: [react(), effectAssets()],
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
      // The app, and the page the server's recorder opens (REC-START): a page of its own, so that the
      // headless browser recording a meeting loads nothing of the app it does not use.
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        egress: fileURLToPath(new URL('./egress.html', import.meta.url)),
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
