// MEET-SELF-MUTE, enforced by the server: Bob's browser keeps sending a track after he mutes it
// (support/keep-sending.ts), so only the server telling Janus to stop relaying it can keep it from
// Ada and Cleo. Moderator mute will rely on the same server path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tileOf } from './support/app';
import type { TestBrowser } from './support/browser';
import { muteIndicator, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { keptSendingCounter, type OutboundCounter } from './support/keep-sending';
import { growthOver, sleep, waitForGrowth, type StatCounter } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { adaHostsStubbornBobAndCleo } from './support/scenes';
import type { TestServer } from './support/server';

/** Time for a mute to reach the media server and for packets already in flight to drain. */
/** The sources this file mutes (a screen share's mute is its end, see screen-share.test.ts). */
type TrackSource = 'microphone' | 'camera';

const SETTLE_MS = 1_500;
/** Window over which a muted track must not grow at any receiver while its sender keeps sending. */
const WINDOW_MS = 2_500;

/** Per source: what the sender counts, what receivers count, and how much sending the window needs. */
const COUNTERS: Record<TrackSource, { sent: OutboundCounter; received: StatCounter; minSent: number }> = {
  // Opus sends 50 packets/s; a quarter of that still proves the microphone never stopped.
  microphone: { sent: 'packetsSent', received: 'packetsReceived', minSent: 30 },
  // The fake camera gives 20–30 frames/s; a loaded 2-core machine may drop many of them.
  camera: { sent: 'framesEncoded', received: 'framesDecoded', minSent: 10 },
};
const KIND: Record<TrackSource, 'audio' | 'video'> = { microphone: 'audio', camera: 'video' };

const skip = mediaSkipReason();

describe('MEET-SELF-MUTE enforced by the server', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: InMeeting;
  let bob: InMeeting;
  let cleo: InMeeting;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    ({ ada, bob, cleo } = await adaHostsStubbornBobAndCleo(browser, server, 'Mute enforcement'));
  });

  after(() => stopEnvironment({ server, browser }));

  /**
   * Over one window, at the same time: how much of `source` Bob's browser sent, and how much of it
   * each receiver got.
   */
  async function sentAndReceived(source: TrackSource) {
    const { sent, received } = COUNTERS[source];
    const sentBefore = await keptSendingCounter(bob.page, KIND[source], sent);
    const receivedGrowth = await Promise.all(
      [ada, cleo].map(async (r) => ({
        receiver: r.name,
        growth: await growthOver(r.page, bob.id, source, received, WINDOW_MS),
      })),
    );
    const sentGrowth = (await keptSendingCounter(bob.page, KIND[source], sent)) - sentBefore;
    return { sentGrowth, receivedGrowth };
  }

  /** Mutes `source` through Bob's control bar, proves it is kept from everyone, unmutes, proves it is back. */
  async function muteAndUnmute(source: TrackSource, buttons: { off: string; on: string }) {
    const other: TrackSource = source === 'microphone' ? 'camera' : 'microphone';
    const indicator = source === 'microphone' ? 'Microphone muted' : 'Camera off';
    await bob.page.getByRole('button', { name: buttons.off }).click();
    await bob.page.getByRole('button', { name: buttons.on }).waitFor();
    for (const r of [ada, cleo]) {
      await muteIndicator(tileOf(r.page, bob.id), indicator).waitFor({ state: 'visible', timeout: 10_000 });
    }
    await sleep(SETTLE_MS);

    const { sentGrowth, receivedGrowth } = await sentAndReceived(source);
    const { sent, received: counter, minSent } = COUNTERS[source];
    assert.ok(
      sentGrowth >= minSent,
      `Bob's browser stopped sending its ${source} after all (${sent} grew by ${sentGrowth} in ${WINDOW_MS} ms): ` +
        'the test no longer exercises the server',
    );
    for (const { receiver, growth } of receivedGrowth) {
      assert.equal(
        growth,
        0,
        `${receiver} got ${growth} more ${counter} of Bob's muted ${source} in ${WINDOW_MS} ms ` +
          `while his browser sent ${sentGrowth} ${sent}: the server did not stop relaying it`,
      );
    }
    // Only that track: Bob's other one keeps coming to everyone.
    await Promise.all(
      [ada, cleo].map(async (r) => {
        const growth = await growthOver(r.page, bob.id, other, COUNTERS[other].received, 1_000);
        assert.ok(growth > 5, `${r.name} stopped getting Bob's ${other} when only his ${source} was muted`);
      }),
    );

    await bob.page.getByRole('button', { name: buttons.on }).click();
    await bob.page.getByRole('button', { name: buttons.off }).waitFor();
    await Promise.all(
      [ada, cleo].map(async (r) => {
        await muteIndicator(tileOf(r.page, bob.id), indicator).waitFor({ state: 'hidden', timeout: 10_000 });
        await waitForGrowth(r.page, bob.id, source, {
          counter,
          by: source === 'microphone' ? 20 : 10,
          timeoutMs: 15_000,
        });
      }),
    );
  }

  test(
    'MEET-SELF-MUTE: a muted microphone reaches no one even while the muting browser keeps sending it; unmuting resumes',
    { skip },
    () => muteAndUnmute('microphone', { off: 'Mute microphone', on: 'Unmute microphone' }),
  );

  test(
    'MEET-SELF-MUTE: a turned-off camera reaches no one even while the muting browser keeps sending it; turning it on resumes',
    { skip },
    () => muteAndUnmute('camera', { off: 'Turn off camera', on: 'Turn on camera' }),
  );
});
