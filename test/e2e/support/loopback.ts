import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { LoopbackApi, LoopbackOptions, MemberName } from './loopback-page';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The E2EE media code as a browser runs it: loopback-page.ts and the SDK's media worker, bundled by
 * esbuild into memory. The page's bundle starts its worker at `new URL('./media-worker.ts',
 * import.meta.url)`, as the SDK source says (Vite rewrites that URL in the app; esbuild leaves it),
 * so the worker's bundle is served under that name next to the page's.
 */
async function bundle(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: {
      page: join(ROOT, 'test/e2e/support/loopback-page.ts'),
      'media-worker': join(ROOT, 'packages/client/src/e2ee/media-worker.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/',
    write: false,
    logLevel: 'warning',
  });
  const files = new Map<string, string>([
    [
      '/',
      '<!doctype html><meta charset="utf-8"><title>E2EE loopback</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
    ],
  ]);
  for (const f of result.outputFiles)
    files.set(f.path === '/media-worker.js' ? '/media-worker.ts' : f.path, f.text);
  return files;
}

/** Serves the bundle on 127.0.0.1 (a secure context, so the page may use the camera). */
export class LoopbackSite {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LoopbackSite> {
    const files = await bundle();
    const server = createServer((req, res) => {
      const body = files.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return new LoopbackSite(server, `http://127.0.0.1:${port}/`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The page's `window.loopback`, driven from Node. */
export class Loopback {
  constructor(readonly page: Page) {}

  async open(url: string, options: LoopbackOptions): Promise<string> {
    await this.page.goto(url);
    await this.page.waitForFunction(() => 'loopback' in window);
    const { api } = await this.page.evaluate(
      (o) => (window as unknown as PageWindow).loopback.start(o),
      options,
    );
    return api;
  }

  install(member: MemberName, epoch: number, baseKey: Uint8Array, ownLeaf: number): Promise<void> {
    return this.page.evaluate(
      (a) => (window as unknown as PageWindow).loopback.install(a.member, a.epoch, a.baseKey, a.ownLeaf),
      { member, epoch, baseKey: [...baseKey], ownLeaf },
    );
  }

  activate(member: MemberName, epoch: number): Promise<void> {
    return this.page.evaluate((a) => (window as unknown as PageWindow).loopback.activate(a.member, a.epoch), {
      member,
      epoch,
    });
  }

  stats(): ReturnType<LoopbackApi['stats']> {
    return this.page.evaluate(() => (window as unknown as PageWindow).loopback.stats());
  }

  errors(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as PageWindow).loopback.errors);
  }
}

/** Functions handed to page.evaluate are serialised: they can name this type, not call helpers. */
interface PageWindow {
  loopback: LoopbackApi;
}
