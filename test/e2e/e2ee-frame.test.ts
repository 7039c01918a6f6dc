// E2EE-FRAME in real Chromium, without any server: the SDK's E2eeMedia and media worker protect a
// camera and a microphone sent over peer connection pairs inside one page (support/loopback-page.ts).
// Four receivers of the same protected sender: `good` holds the sender's epoch key, `wrong` another
// key for the same epoch, `late` no key until the test gives it one, and `plain` no E2EE at all
// (what a media server sees). Once through RTCRtpScriptTransform, once through the
// createEncodedStreams fallback.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { TestBrowser } from './support/browser';
import { Loopback, LoopbackSite } from './support/loopback';
import type { ReceiverName, ReceiverStats } from './support/loopback-page';
import {
  MATCH_THRESHOLD,
  MISMATCH_THRESHOLD,
  contrast,
  pearson,
  sleep,
  snapshotTogether,
} from './support/media';
import { mediaSkipReason } from './support/sandbox';

const skip = mediaSkipReason();

const EPOCH_KEY = randomBytes(16);
const OTHER_KEY = randomBytes(16);
const NEXT_EPOCH_KEY = randomBytes(16);
/** MLS leaf indices: each member's frames carry its own in their KIDs. */
const LEAF = { sender: 0, good: 1, wrong: 2, late: 3 } as const;
/** The worker reports its counts once a second. */
const STATS_SETTLE_MS = 1_300;

const dropped = (s: ReceiverStats) => Object.values(s.e2ee?.dropped ?? {}).reduce((a, b) => a + b, 0);

/** Polls until `ready` holds for the stats, or fails with the last ones. */
async function waitForStats(
  loopback: Loopback,
  ready: (s: Awaited<ReturnType<Loopback['stats']>>) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<Awaited<ReturnType<Loopback['stats']>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await loopback.stats();
    if (ready(stats)) return stats;
    if (Date.now() > deadline)
      throw new Error(`${what} within ${timeoutMs} ms; last: ${JSON.stringify(stats)}`);
    await sleep(200);
  }
}

/**
 * How a receiver's picture compares with the camera: mean correlation with the local preview over
 * three simultaneous snapshots 300 ms apart, and the lowest contrast; null when it shows no picture.
 */
async function comparePicture(
  page: Page,
  receiver: ReceiverName,
): Promise<{ r: number; contrast: number } | null> {
  const shown = await page.evaluate(
    (id) => (document.getElementById(id) as HTMLVideoElement).videoWidth > 0,
    receiver,
  );
  if (!shown) return null;
  let r = 0;
  let lowest = Infinity;
  for (let round = 0; round < 3; round++) {
    const [local, remote] = await snapshotTogether([
      { page, selector: '#local' },
      { page, selector: `#${receiver}` },
    ]);
    r += pearson(local!.pixels, remote!.pixels) / 3;
    lowest = Math.min(lowest, contrast(remote!));
    await sleep(300);
  }
  return { r, contrast: lowest };
}

async function assertShowsCamera(page: Page, receiver: ReceiverName): Promise<number> {
  const picture = await comparePicture(page, receiver);
  assert.ok(picture, `${receiver} shows no picture`);
  assert.ok(
    picture.contrast >= 5,
    `${receiver} shows a flat picture (contrast ${picture.contrast.toFixed(1)})`,
  );
  assert.ok(
    picture.r >= MATCH_THRESHOLD,
    `${receiver}'s picture correlates ${picture.r.toFixed(2)} with the camera (needs ≥ ${MATCH_THRESHOLD})`,
  );
  return picture.r;
}

for (const api of ['RTCRtpScriptTransform', 'createEncodedStreams'] as const) {
  describe(`E2EE-FRAME through ${api}`, () => {
    let site: LoopbackSite | undefined;
    let browser: TestBrowser | undefined;
    let loopback: Loopback;

    before(async () => {
      if (skip) return;
      site = await LoopbackSite.start();
      browser = await TestBrowser.launch();
      const { page } = await browser.newParticipant('Ada');
      loopback = new Loopback(page);
      assert.equal(await loopback.open(site.url, { fallback: api === 'createEncodedStreams' }), api);
      // The group's epoch 1: the sender and `good` hold its key, `wrong` holds another, `late` none yet.
      await loopback.install('good', 1, EPOCH_KEY, LEAF.good);
      await loopback.install('wrong', 1, OTHER_KEY, LEAF.wrong);
      await loopback.install('sender', 1, EPOCH_KEY, LEAF.sender);
      await loopback.activate('sender', 1);
    });

    after(async () => {
      await browser?.close();
      await site?.stop();
    });

    test(
      `E2EE-FRAME (${api}): a receiver with the sender's epoch key decodes its camera, the picture matches, and plays its microphone`,
      { skip },
      async () => {
        const first = (await loopback.stats()).good;
        const now = await waitForStats(
          loopback,
          (s) => s.good.framesDecoded - first.framesDecoded >= 20,
          'good does not decode 20 frames',
        );
        const r = await assertShowsCamera(loopback.page, 'good');
        assert.ok(now.sender.encrypted > 0, 'the sender encrypted what it sent');

        // Audio decrypted and played out: energy rises, hardly anything concealed.
        const a = now.good.audio!;
        await sleep(2_000);
        const b = (await loopback.stats()).good.audio!;
        const concealedShare = (b.concealed - a.concealed) / (b.samples - a.samples);
        assert.ok(b.samples - a.samples > 48_000, `only ${b.samples - a.samples} audio samples in 2 s`);
        assert.ok(b.energy > a.energy, 'the microphone is silent at the receiver');
        assert.ok(concealedShare < 0.2, `${(concealedShare * 100).toFixed(0)}% of the audio was concealed`);
        console.log(
          `[e2ee-frame] ${api}: picture r = ${r.toFixed(3)}, audio concealed ${(concealedShare * 100).toFixed(1)}%`,
        );
        assert.deepEqual(await loopback.errors(), []);
      },
    );

    test(
      `E2EE-FRAME (${api}): receivers with another key or no key decode nothing and count every frame they drop`,
      { skip },
      async () => {
        const first = await loopback.stats();
        await sleep(2_000 + STATS_SETTLE_MS);
        const then = await loopback.stats();
        for (const name of ['wrong', 'late'] as const) {
          assert.equal(then[name].framesDecoded, 0, `${name} decoded frames`);
          assert.ok(
            then[name].packetsReceived - first[name].packetsReceived > 20,
            `${name} received no media`,
          );
          assert.equal(then[name].e2ee?.decrypted, 0);
        }
        assert.ok(then.wrong.e2ee!.dropped.auth_failed - first.wrong.e2ee!.dropped.auth_failed >= 20);
        assert.ok(then.late.e2ee!.dropped.unknown_key - first.late.e2ee!.dropped.unknown_key >= 20);
      },
    );

    test(
      `E2EE-FRAME (${api}): what goes over the wire is not the picture: a receiver without E2EE does not show the camera`,
      { skip },
      async () => {
        const stats = await loopback.stats();
        assert.ok(stats.plain.packetsReceived > 50, 'the unprotected receiver gets the media');
        const picture = await comparePicture(loopback.page, 'plain');
        console.log(
          `[e2ee-frame] ${api}: unprotected receiver decoded ${stats.plain.framesDecoded} frames (good ${stats.good.framesDecoded}), picture r = ${picture?.r.toFixed(3) ?? 'none'}`,
        );
        // Its decoder accepts the odd key frame (the VP8 header is in clear) and shows noise.
        assert.ok(
          picture === null || picture.r < MISMATCH_THRESHOLD,
          `the unprotected receiver's picture correlates ${picture?.r.toFixed(2)} with the camera`,
        );
        assert.ok(
          stats.plain.framesDecoded < stats.good.framesDecoded / 4,
          `plain decoded ${stats.plain.framesDecoded} frames, good ${stats.good.framesDecoded}`,
        );
        // Meanwhile the protected one shows the camera.
        await assertShowsCamera(loopback.page, 'good');
      },
    );

    test(
      `E2EE-FRAME (${api}): a receiver given the key late decodes from the next key frame, which its own requests bring`,
      { skip },
      async () => {
        const before = await loopback.stats();
        assert.equal(before.late.framesDecoded, 0);
        assert.ok(
          before.late.pliCount >= 2,
          `late asked for ${before.late.pliCount} key frames while dropping`,
        );
        const given = Date.now();
        await loopback.install('late', 1, EPOCH_KEY, LEAF.late);
        await waitForStats(loopback, (s) => s.late.framesDecoded >= 10, 'late does not decode', 10_000);
        console.log(`[e2ee-frame] ${api}: late decodes 10 frames ${Date.now() - given} ms after its key`);
        await assertShowsCamera(loopback.page, 'late');
      },
    );

    test(
      `E2EE-FRAME (${api}): after install(n+1) on both sides and activate(n+1), video keeps decoding without a gap or a drop; a receiver left on epoch n stops`,
      { skip },
      async () => {
        await sleep(STATS_SETTLE_MS);
        const before = await loopback.stats();
        await loopback.install('sender', 2, NEXT_EPOCH_KEY, LEAF.sender);
        await loopback.install('good', 2, NEXT_EPOCH_KEY, LEAF.good);
        const switched = performance.now();
        await loopback.activate('sender', 2);
        await loopback.activate('good', 2);

        // Frames decoded every 100 ms across the switch: the longest stretch without a new one.
        let last = before.good.framesDecoded;
        let lastAt = performance.now();
        let longestGap = 0;
        while (performance.now() - switched < 3_000) {
          const { framesDecoded } = (await loopback.stats()).good;
          if (framesDecoded > last) {
            longestGap = Math.max(longestGap, performance.now() - lastAt);
            last = framesDecoded;
            lastAt = performance.now();
          }
          await sleep(100);
        }
        longestGap = Math.max(longestGap, performance.now() - lastAt);
        console.log(
          `[e2ee-frame] ${api}: longest stretch without a decoded frame across the switch: ${Math.round(longestGap)} ms`,
        );
        assert.ok(
          longestGap < 600,
          `good decoded nothing for ${Math.round(longestGap)} ms across the switch`,
        );

        await sleep(STATS_SETTLE_MS);
        const then = await loopback.stats();
        assert.ok(then.good.framesDecoded - before.good.framesDecoded >= 30);
        assert.equal(dropped(then.good), dropped(before.good), 'good dropped frames across the switch');
        await assertShowsCamera(loopback.page, 'good');

        // `late` holds epoch 1 only: the sender has moved on without it.
        const lateBefore = then.late;
        await sleep(1_500);
        const lateAfter = (await loopback.stats()).late;
        assert.equal(
          lateAfter.framesDecoded,
          lateBefore.framesDecoded,
          'late still decodes after the switch',
        );
        assert.ok(lateAfter.e2ee!.dropped.unknown_key > lateBefore.e2ee!.dropped.unknown_key);
        assert.deepEqual(await loopback.errors(), []);
      },
    );
  });
}
