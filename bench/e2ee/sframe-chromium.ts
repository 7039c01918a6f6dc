// Runs the SFrame measurement (sframe-rounds.ts) in a worker of Debian's Chromium, as the media
// worker runs in a call: the worker is bundled with esbuild and served from 127.0.0.1 (a secure
// context, so WebCrypto is there); nothing leaves the machine.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TestBrowser } from '../../test/e2e/support/browser';
import type { WorkerResult, Workload } from './sframe-rounds';

const here = dirname(fileURLToPath(import.meta.url));

export async function measureInChromium(workload: Workload): Promise<WorkerResult & { chromium: string }> {
  const bundle = await build({
    entryPoints: [join(here, 'chromium-worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><title>SFrame benchmark</title>'],
    '/worker.js': ['text/javascript', bundle.outputFiles[0]!.text],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    res.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await TestBrowser.launch();
  try {
    const page = await browser.browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const result = await page.evaluate(
      (w) =>
        new Promise<WorkerResult | { error: string }>((resolve) => {
          const worker = new Worker('/worker.js', { type: 'module' });
          worker.onmessage = (event: MessageEvent<WorkerResult | { error: string }>) => resolve(event.data);
          worker.onerror = (event) => resolve({ error: event.message });
          worker.postMessage(w);
        }),
      workload,
    );
    if ('error' in result) throw new Error(`the benchmark worker failed in Chromium: ${result.error}`);
    return { ...result, chromium: browser.browser.version() };
  } finally {
    await browser.close();
    server.close();
  }
}
