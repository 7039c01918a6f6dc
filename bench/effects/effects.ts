// See run.mjs. The page (page.ts) is bundled with esbuild and served with MediaPipe's files from
// 127.0.0.1, as the web app serves them (/effects/mediapipe/ there); nothing leaves the machine.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TestBrowser } from '../../test/e2e/support/browser';
import { cpuBetween, sampleCpu } from '../e2ee/proc-cpu';
import { machine, report, round } from '../report';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SIZES = [
  [640, 360],
  [1280, 720],
] as const;
const mediapipe = dirname(
  createRequire(join(here, '../../packages/client/package.json')).resolve(
    '@mediapipe/selfie_segmentation/package.json',
  ),
);

const bundle = await build({
  entryPoints: [join(here, 'page.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
});
const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/')
    return void res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>effects</title><script type="module" src="/page.js"></script>');
  if (path === '/page.js')
    return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.outputFiles[0]!.text);
  const name = path.startsWith('/mediapipe/') ? path.slice('/mediapipe/'.length) : '';
  if (!/^[\w.]+$/.test(name)) return void res.writeHead(404).end();
  const type = name.endsWith('.wasm')
    ? 'application/wasm'
    : name.endsWith('.js')
      ? 'text/javascript'
      : 'application/octet-stream';
  readFile(join(mediapipe, name)).then(
    (body) => res.writeHead(200, { 'content-type': type }).end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await TestBrowser.launch();
const runs: Record<string, { fps: number; size: string; cpuPercent: number }> = {};
try {
  const page = await browser.browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'bench' in window);
  // Alternating, so that background load falls on both alike.
  for (const [width, height] of SIZES) {
    for (const blur of [false, true]) {
      const running = page.evaluate(
        ({ width, height, blur, seconds }) =>
          (
            window as unknown as {
              bench(w: number, h: number, b: boolean, s: number): Promise<{ fps: number; size: string }>;
            }
          ).bench(width, height, blur, seconds),
        { width, height, blur, seconds: SECONDS },
      );
      await page.waitForFunction(
        () => (window as unknown as { measuring?: boolean }).measuring === true,
        null,
        { timeout: 60_000 },
      );
      const before = sampleCpu();
      const result = await running;
      const cpu = cpuBetween(before, sampleCpu());
      await page.evaluate(() => ((window as unknown as { measuring: boolean }).measuring = false));
      runs[`${width}x${height} ${blur ? 'blur' : 'plain'}`] = {
        fps: round(result.fps, 1),
        size: result.size,
        cpuPercent: round(cpu.chromium),
      };
    }
  }
  const ratio = (size: string) => round(runs[`${size} blur`]!.fps / runs[`${size} plain`]!.fps, 2);
  const line = SIZES.map(([w, h]) => {
    const s = `${w}x${h}`;
    return `${s}: ${runs[`${s} blur`]!.fps} fps blur vs ${runs[`${s} plain`]!.fps} plain (×${ratio(s)}), CPU ${runs[`${s} blur`]!.cpuPercent}% vs ${runs[`${s} plain`]!.cpuPercent}%`;
  }).join('; ');
  await report(
    'effects',
    { seconds: SECONDS, runs, machine: machine(browser.browser.version()) },
    `effects: ${line}`,
  );
} finally {
  await browser.close();
  server.close();
}
