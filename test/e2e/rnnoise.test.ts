// Noise suppression (issue 19 part 2) in a real Chromium, no server: NoiseSuppressionProcessor (RNNoise
// in an AudioWorklet) on WebAudio test signals made into microphone-like tracks, levels measured with
// AnalyserNodes on the input and output tracks. The page is test/e2e/pages/noise-suppression.ts,
// bundled as the web app would be, served under the script policy of Conclave's own pages.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Levels } from './pages/noise-suppression';
import { TestBrowser } from './support/browser';
import { servePage, type PageServer } from './support/page-server';

const root = join(import.meta.dirname, '../..');

/**
 * The parts of the server's Content-Security-Policy (packages/server/src/http/security.ts, checked by
 * api-http.test.ts) that decide whether the worklet and its WebAssembly may run.
 */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:";

/** Time for RNNoise to settle on a new signal before measuring, and how long to measure. */
const SETTLE_MS = 1_000;
const MEASURE_MS = 2_000;

const show = (l: Levels) => `in ${l.inputDb.toFixed(1)} dBFS, out ${l.outputDb.toFixed(1)} dBFS`;

describe('Noise suppression with RNNoise', () => {
  let pages: PageServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page;
  const requested: string[] = [];

  before(async () => {
    pages = await servePage(
      join(root, 'test/e2e/pages/noise-suppression.ts'),
      {
        '/noise-suppression.worklet.ts': join(
          root,
          'packages/client/src/effects/noise-suppression.worklet.ts',
        ),
      },
      { 'content-security-policy': CSP },
    );
    browser = await TestBrowser.launch();
    const ada = await browser.newParticipant('Ada', { distinctCamera: false });
    ({ page } = ada);
    ada.context.on('request', (request) => requested.push(request.url()));
    await page.goto(pages.url);
    await page.waitForFunction(() => 'noisePage' in window);
  });
  const measure = () =>
    page.evaluate(({ settle, ms }) => window.noisePage.measure(settle, ms), {
      settle: SETTLE_MS,
      ms: MEASURE_MS,
    });

  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  test('MEET-QUALITY: RNNoise lowers a noise-only microphone by at least 10 dB', async (t) => {
    await page.evaluate(() => window.noisePage.start('noise'));
    const levels = await measure();
    t.diagnostic(`white noise: ${show(levels)}`);
    assert.equal(levels.outputState, 'live');
    assert.ok(levels.inputDb > -20, `the test noise is loud: ${show(levels)}`);
    assert.ok(levels.outputDb <= levels.inputDb - 10, `at least 10 dB quieter: ${show(levels)}`);
  });

  test('MEET-QUALITY: a voice passes RNNoise within 3 dB', async (t) => {
    await page.evaluate(() => window.noisePage.start('voice'));
    const levels = await measure();
    t.diagnostic(`voiced /a/ at 120 Hz: ${show(levels)}`);
    assert.ok(levels.inputDb > -25, `the test voice is loud: ${show(levels)}`);
    assert.ok(Math.abs(levels.outputDb - levels.inputDb) <= 3, `within 3 dB: ${show(levels)}`);
  });

  test('MEET-QUALITY: a steady tone passes RNNoise', async (t) => {
    await page.evaluate(() => window.noisePage.start('tone'));
    const levels = await measure();
    t.diagnostic(`440 Hz sine: ${show(levels)}`);
    assert.ok(Math.abs(levels.outputDb - levels.inputDb) <= 3, `within 3 dB: ${show(levels)}`);
  });

  test('MEET-QUALITY: after a microphone switch RNNoise works on the new input; stop ends its output', async (t) => {
    await page.evaluate(() => window.noisePage.start('noise'));
    const before = await page.evaluate(() => window.noisePage.outputStates().length);
    await page.evaluate(() => window.noisePage.start('voice', { sameProcessor: true }));
    const levels = await measure();
    t.diagnostic(`voice after the switch: ${show(levels)}`);
    assert.ok(Math.abs(levels.outputDb - levels.inputDb) <= 3, `the new input passes: ${show(levels)}`);
    const states = await page.evaluate(() => window.noisePage.outputStates());
    assert.equal(states[before - 1], 'ended', "the old input's output ended");
    assert.equal(states[before], 'live', 'the new output is live');

    await page.evaluate(() => window.noisePage.stop());
    assert.ok(
      (await page.evaluate(() => window.noisePage.outputStates())).every((s) => s === 'ended'),
      'stop() ends the output',
    );
  });

  test('MEET-QUALITY: RNNoise and its WebAssembly load from the page’s own origin, under Conclave’s script policy', () => {
    // The policy's default-src 'self' would refuse anything from elsewhere; the tests above ran under it.
    assert.ok(pages!.served.includes('/noise-suppression.worklet.ts'), 'the worklet came from this origin');
    const origin = new URL(pages!.url).origin;
    const elsewhere = requested.filter((url) => new URL(url).origin !== origin);
    assert.deepEqual(elsewhere, [], 'the page asked no other origin for anything');
  });
});
