import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Where `vite dev` sends API and signaling traffic: a Conclave server started separately. */
const API_TARGET = 'http://127.0.0.1:8080';

export default defineConfig(({ mode }) => ({
  plugins: [react()],
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
