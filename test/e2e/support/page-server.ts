import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * A test page outside the web app: `entry` bundled by esbuild (as Vite would bundle it for the app)
 * into /page.js, loaded by a blank page at /, served on 127.0.0.1 (a secure context, so the page may
 * open the camera). `workers` maps a URL path to a worker entry bundled on its own: esbuild keeps
 * `new Worker(new URL('./x.worker.ts', import.meta.url))` as written, so the page asks for
 * /x.worker.ts and gets that worker's bundle (an AudioWorklet module likewise). `headers` go on every
 * response, e.g. the server's Content-Security-Policy, to prove the page works under it.
 */
export interface PageServer {
  url: string;
  /** The paths the page asked for, in order (Playwright does not see an AudioWorklet's module load). */
  served: string[];
  close(): Promise<void>;
}

export async function servePage(
  entry: string,
  workers: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<PageServer> {
  const outdir = await mkdtemp(join(tmpdir(), 'conclave-page-'));
  const names = Object.keys(workers).map((path, i) => ({ path, name: `worker${i}` }));
  await build({
    entryPoints: {
      page: entry,
      ...Object.fromEntries(names.map(({ path, name }) => [name, workers[path]!])),
    },
    outdir,
    bundle: true,
    format: 'esm',
    target: 'chrome120',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const files = new Map<string, string>([
    ['/', 'index.html'],
    ['/page.js', 'page.js'],
    ...names.map(({ path, name }): [string, string] => [path, `${name}.js`]),
  ]);
  const html =
    '<!doctype html><meta charset="utf-8"><title>test</title><script type="module" src="/page.js"></script>';
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served.push(path);
    const file = files.get(path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    if (file === 'index.html') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    readFile(join(outdir, file)).then(
      (body) =>
        res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    served,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(outdir, { recursive: true, force: true });
    },
  };
}
