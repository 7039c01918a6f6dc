// What RNNoise (NoiseSuppressionProcessor's AudioWorklet) costs in Debian's Chromium: the audio
// thread's time per 10 ms frame, from offline renders of white noise through the worklet against the
// same graph with a plain gain node instead (alternating, so background load falls on both alike),
// and the time from process() to the denoised track. See bench/README.md.
import { join } from 'node:path';
import { machine, report, round, summarise } from '../report';
import { TestBrowser } from '../../test/e2e/support/browser';
import { servePage } from '../../test/e2e/support/page-server';

const root = join(import.meta.dirname, '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
/** RNNoise frames in one render: 10 ms each. */
const FRAMES = SECONDS * 100;

const pages = await servePage(join(root, 'bench/noise/page.ts'), {
  '/noise-suppression.worklet.ts': join(root, 'packages/client/src/effects/noise-suppression.worklet.ts'),
});
const browser = await TestBrowser.launch();
try {
  const { page } = await browser.newParticipant('bench', { distinctCamera: false });
  await page.goto(pages.url);
  await page.waitForFunction(() => 'noiseBench' in window);
  // Warm-up: the first renders compile the page's and the worklet's code.
  await page.evaluate((s) => window.noiseBench.renderOffline(s, true), 2);
  await page.evaluate((s) => window.noiseBench.renderOffline(s, false), 2);

  const rnnoiseMs: number[] = [];
  const plainMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    rnnoiseMs.push(await page.evaluate((s) => window.noiseBench.renderOffline(s, true), SECONDS));
    plainMs.push(await page.evaluate((s) => window.noiseBench.renderOffline(s, false), SECONDS));
  }
  // Per round, RNNoise's own share: its render minus the plain one, per 10 ms frame.
  const perFrame = rnnoiseMs.map((ms, i) => (ms - plainMs[i]!) / FRAMES);
  const startUpMs: number[] = [];
  for (let i = 0; i < STARTS; i++) startUpMs.push(await page.evaluate(() => window.noiseBench.startUp()));

  const frame = summarise(perFrame, 4);
  const startUp = summarise(startUpMs, 0);
  const result = {
    seconds: SECONDS,
    rounds: ROUNDS,
    msPer10msFrame: frame,
    /** The share of one core RNNoise keeps busy in a call: its time per frame over the frame's 10 ms. */
    coreShare: round(frame.median / 10, 4),
    realTimeFactor: round(10 / frame.median, 0),
    renderMs: { rnnoise: summarise(rnnoiseMs, 0), plain: summarise(plainMs, 0) },
    startUpMs: startUp,
    machine: machine(browser.browser.version()),
  };
  await report(
    'noise',
    result,
    `noise: RNNoise ${frame.median} ms per 10 ms frame (p90 ${frame.p90}), ${round(100 * result.coreShare, 1)} % of a core, ` +
      `${result.realTimeFactor}× real time; start-up median ${startUp.median} ms`,
  );
} finally {
  await browser.close();
  await pages.close();
}
