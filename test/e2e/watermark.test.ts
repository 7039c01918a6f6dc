// E2EE-WATERMARK in a real browser: the fake camera, watermarked by watermarkTrack() with a Codeword,
// sent as VP8 over a real RTCPeerConnection pair and decoded; the receiver's picture is read with
// Debian's tesseract-ocr. The page is test/e2e/pages/watermark.ts, bundled as the web app would be.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Grab } from './pages/watermark';
import { TestBrowser } from './support/browser';
import { findCodeword, readWords, ocrUnavailableReason } from './support/ocr';
import { servePage, type PageServer } from './support/page-server';
import { mediaSkipReason } from './support/sandbox';

const root = join(import.meta.dirname, '../..');
/** Where the grabbed pictures stay after a run, to look at when a test fails (git ignores dist/). */
const PICTURES = join(import.meta.dirname, 'dist/watermark');
// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();
const ocrSkip = skip ?? ocrUnavailableReason();

/** Two Codewords as codewordOf() makes them (four proquints each). */
const ADA = 'gusut nubum tiguh puhib';
const BOB = 'lodab kosil vajuf mudoz';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the receiver has decoded `frames` more VP8 frames than now, the last at `size` when
 * given (the encoder may send less than the camera's size while bandwidth ramps up, or for long at
 * 1280×720 on this 2-core machine).
 */
async function waitForDecoding(page: Page, frames: number, size?: readonly [number, number]): Promise<void> {
  const deadline = Date.now() + 20_000;
  let first = -1;
  for (;;) {
    const r = await page.evaluate(() => window.watermarkPage.received());
    if (r.framesDecoded > 0) assert.equal(r.codec, 'video/VP8');
    if (first < 0 && r.framesDecoded > 0) first = r.framesDecoded;
    const sized = !size || (r.width === size[0] && r.height === size[1]);
    if (first >= 0 && sized && r.framesDecoded - first >= frames) return;
    if (Date.now() > deadline) assert.fail(`receiver still at ${JSON.stringify(r)} after 20 s`);
    await sleep(200);
  }
}

/**
 * The first row from which every row down to the bottom is dark: darker than halfway between the
 * picture above and the band. Row medians ignore the white letters.
 */
function darkBandTop(grab: Grab, expectedTop: number): number {
  const above = grab.rowMedians.slice(Math.max(0, expectedTop - 40), expectedTop - 4);
  const inside = grab.rowMedians.slice(expectedTop + 4);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const threshold = (mean(above) + mean(inside)) / 2;
  let top = grab.height;
  while (top > 0 && grab.rowMedians[top - 1]! < threshold) top--;
  return top;
}

describe('E2EE watermark in the outgoing camera video', () => {
  let pages: PageServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page;

  before(async () => {
    if (skip) return;
    await mkdir(PICTURES, { recursive: true });
    pages = await servePage(join(root, 'test/e2e/pages/watermark.ts'), {
      '/watermark.worker.ts': join(root, 'packages/client/src/e2ee/watermark.worker.ts'),
    });
    browser = await TestBrowser.launch();
    // The plain fake camera: the watermark is what this test looks at.
    ({ page } = await browser.newParticipant('Ada', { distinctCamera: false }));
    await page.goto(pages.url);
    await page.waitForFunction(() => 'watermarkPage' in window);
  });
  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  /**
   * The receiver's picture; its lower half, which OCR reads, is kept as a PNG in PICTURES (its path
   * goes into failure messages).
   */
  async function grabRemote(name: string): Promise<{ grab: Grab; png: Buffer; path: string }> {
    const grab = await page.evaluate(() => window.watermarkPage.grab('remote'));
    const png = Buffer.from(grab.lowerPng, 'base64');
    const path = join(PICTURES, `${name}.png`);
    await writeFile(path, png);
    return { grab, png, path };
  }

  test(
    "E2EE-WATERMARK: the receiver's decoded 640×360 VP8 picture shows the sender's Codeword, in a band along the bottom",
    { skip: ocrSkip },
    async (t) => {
      await page.evaluate((text) => window.watermarkPage.start(640, 360, text), ADA);
      // A couple of seconds of frames: the encoder's first frames are coarse until bandwidth ramps up.
      await waitForDecoding(page, 40, [640, 360]);
      const { grab, png, path } = await grabRemote('ada-640x360');
      assert.deepEqual([grab.width, grab.height], [640, 360]);
      const band = await page.evaluate((text) => window.watermarkPage.layout(text, 640, 360), ADA);

      const words = await readWords(png);
      t.diagnostic(`OCR read: ${words.map((w) => w.text).join(' ')}`);
      const found = findCodeword(words, ADA);
      assert.ok(found, `"${ADA}" not read in ${path}: OCR read "${words.map((w) => w.text).join(' ')}"`);
      assert.equal(findCodeword(words, BOB), undefined, 'another Codeword does not read as this one');
      for (const w of found) {
        const middle = grab.lowerFrom + w.top + w.height / 2;
        assert.ok(
          middle > band.top && middle < 360,
          `"${w.text}" at rows ${grab.lowerFrom + w.top}–${grab.lowerFrom + w.top + w.height}, outside the band (rows ${band.top}–360)`,
        );
      }

      // The band is dark from its top row to the bottom edge; the bare camera is not dark there.
      const top = darkBandTop(grab, band.top);
      assert.ok(Math.abs(top - band.top) <= 2, `dark band from row ${top}, expected ${band.top} (${path})`);
      const camera = await page.evaluate(() => window.watermarkPage.grab('camera'));
      const bare = await readWords(Buffer.from(camera.lowerPng, 'base64'));
      assert.equal(
        findCodeword(bare, ADA),
        undefined,
        'the bare camera picture does not read as the Codeword',
      );
      const cameraBand = camera.rowMedians.slice(band.top);
      const remoteBand = grab.rowMedians.slice(band.top);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(
        mean(remoteBand) < 0.6 * mean(cameraBand),
        `band rows: ${mean(remoteBand).toFixed(0)} received vs ${mean(cameraBand).toFixed(0)} in the bare camera`,
      );
    },
  );

  test('E2EE-WATERMARK: setText() changes the Codeword the receiver reads', { skip: ocrSkip }, async () => {
    await page.evaluate((text) => window.watermarkPage.start(640, 360, text), ADA);
    await waitForDecoding(page, 20, [640, 360]);
    await page.evaluate((text) => window.watermarkPage.setText(text), BOB);
    await waitForDecoding(page, 20, [640, 360]);
    const { png, path } = await grabRemote('bob-640x360');
    const words = await readWords(png);
    const read = words.map((w) => w.text).join(' ');
    assert.ok(findCodeword(words, BOB), `"${BOB}" not read in ${path}: OCR read "${read}"`);
    assert.equal(findCodeword(words, ADA), undefined, `the old Codeword is still there: "${read}"`);
  });

  test(
    'E2EE-WATERMARK: the stamped track has the camera’s size and frame rate, at 640×360 and 1280×720',
    { skip },
    async (t) => {
      for (const [width, height] of [
        [640, 360],
        [1280, 720],
      ] as const) {
        await page.evaluate(([w, h, text]) => window.watermarkPage.start(w, h, text), [
          width,
          height,
          ADA,
        ] as const);
        await waitForDecoding(page, 10);
        const rates = await page.evaluate(() => window.watermarkPage.frameRates(2000));
        t.diagnostic(
          `${width}×${height} over 2 s: camera ${rates.camera.frames} frames, stamped ${rates.output.frames}`,
        );
        assert.deepEqual([rates.output.width, rates.output.height], [width, height]);
        assert.deepEqual([rates.camera.width, rates.camera.height], [width, height]);
        assert.ok(rates.camera.frames >= 20, `the camera gave ${rates.camera.frames} frames in 2 s`);
        // Counted over the same 2 s from two readers started together: a frame or two may fall either side.
        assert.ok(
          rates.output.frames >= rates.camera.frames - 3,
          `stamped ${rates.output.frames} of the camera's ${rates.camera.frames} frames`,
        );

        // What one frame costs, measured alone (the call hung up, so the camera is free to reopen).
        await page.evaluate(() => window.watermarkPage.hangUp());
        const costs = await page.evaluate(([w, h, text]) => window.watermarkPage.stampCost(w, h, text, 60), [
          width,
          height,
          ADA,
        ] as const);
        const at = (q: number) => costs[Math.min(costs.length - 1, Math.floor(costs.length * q))]!.toFixed(2);
        t.diagnostic(
          `${width}×${height}: stamp() ${at(0.5)} ms median, ${at(0.95)} ms p95 (${costs.length} frames)`,
        );
        // A quarter of a 30 fps frame interval: far above what it measures, far below a stall.
        assert.ok(Number(at(0.5)) < 8.3, `stamp() takes ${at(0.5)} ms per ${width}×${height} frame`);
      }
    },
  );

  test(
    'E2EE-WATERMARK: I420, NV12 and RGB frames get the same band in place, and frames shown at another size get it on a canvas',
    { skip },
    async (t) => {
      await page.evaluate((text) => window.watermarkPage.start(640, 360, text), ADA);
      const results = await page.evaluate((text) => window.watermarkPage.stampVariants(text), ADA);
      for (const r of results) {
        t.diagnostic(
          `${r.name} (${r.format}) ${r.width}×${r.height}: above ±${r.aboveDiff.toFixed(2)}, ground ×${r.groundRatio.toFixed(2)}, ` +
            `text ${r.textPeak.toFixed(0)}, band vs I420 ±${r.bandDiffFromI420?.toFixed(2) ?? '–'}`,
        );
        const what = `${r.name} (${r.format})`;
        const share = (r.height - r.top) / r.height;
        assert.ok(share > 0.1 && share < 0.14, `${what}: band from row ${r.top} of ${r.height}`);
        assert.ok(r.aboveDiff < 1.5, `${what}: the picture above the band changed by ${r.aboveDiff}`);
        assert.ok(r.groundRatio > 0.25 && r.groundRatio < 0.55, `${what}: band ground ×${r.groundRatio}`);
        assert.ok(r.textPeak > 220, `${what}: no white text in the band (peak ${r.textPeak})`);
        if (r.bandDiffFromI420 !== null)
          assert.ok(r.bandDiffFromI420 < 2, `${what}: band differs from I420's`);
      }
      assert.deepEqual(
        results.map((r) => r.format),
        ['I420', 'NV12', results[2]!.format, 'I420'],
      );
      assert.match(results[2]!.format ?? '', /^(RGB|BGR)[AX]$/);
      assert.deepEqual([results[3]!.width, results[3]!.height], [1280, 720]);
    },
  );

  test(
    'E2EE-WATERMARK: stop() ends the stamped track while the camera runs on, and the camera ending ends it',
    { skip },
    async () => {
      await page.evaluate((text) => window.watermarkPage.start(640, 360, text), ADA);
      await waitForDecoding(page, 5, [640, 360]);
      await page.evaluate(() => window.watermarkPage.stopWatermark());
      assert.deepEqual(await page.evaluate(() => window.watermarkPage.states()), {
        camera: 'live',
        output: 'ended',
      });
      const after = await page.evaluate(() => window.watermarkPage.cameraFrames(1000));
      assert.ok(after.frames >= 10, `the camera gave ${after.frames} frames in 1 s after stop()`);

      await page.evaluate((text) => window.watermarkPage.start(640, 360, text), ADA);
      await waitForDecoding(page, 5, [640, 360]);
      await page.evaluate(() => window.watermarkPage.stopCamera());
      await page.waitForFunction(() => window.watermarkPage.states().output === 'ended', undefined, {
        timeout: 2_000,
      });
      const decoded = (await page.evaluate(() => window.watermarkPage.received())).framesDecoded;
      await sleep(1000);
      const later = (await page.evaluate(() => window.watermarkPage.received())).framesDecoded;
      assert.ok(
        later - decoded <= 1,
        `the receiver decoded ${later - decoded} frames after the camera stopped`,
      );
    },
  );
});
