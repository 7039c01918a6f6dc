// MEET-SELF-MUTE: a participant mutes and unmutes their own microphone and camera; the other side
// stops receiving that track's media (the server stops Janus forwarding it), sees the indicator,
// and receives again after unmuting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tileOf, selfTile } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceives, assertPicturesMatch, muteIndicator, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { growthOver, sleep, waitForGrowth } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { adaHostsBob } from './support/scenes';
import type { TestServer } from './support/server';

/** Time for a mute to reach the media server and for packets already in flight to drain. */
const SETTLE_MS = 1_500;
/** Window over which a muted track must not grow; the fake camera sends 20 frames/s. */
const WINDOW_MS = 2_500;

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('MEET-SELF-MUTE', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: InMeeting;
  let bob: InMeeting;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    ({ ada, bob } = await adaHostsBob(browser, server, 'Mute check'));
    await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
  });

  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-SELF-MUTE: muting the microphone stops its packets reaching the other side; unmuting resumes',
    { skip },
    async () => {
      await bob.page.getByRole('button', { name: 'Mute microphone' }).click();
      // The button flips, and Ada's tile of Bob says so.
      await bob.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
      await muteIndicator(tileOf(ada.page, bob.id), 'Microphone muted').waitFor({
        state: 'visible',
        timeout: 10_000,
      });
      await muteIndicator(selfTile(bob.page), 'Microphone muted').waitFor({
        state: 'visible',
        timeout: 10_000,
      });
      await sleep(SETTLE_MS);
      const audioGrowth = await growthOver(ada.page, bob.id, 'microphone', 'packetsReceived', WINDOW_MS);
      assert.equal(
        audioGrowth,
        0,
        `Ada still received ${audioGrowth} audio packets from muted Bob in ${WINDOW_MS} ms`,
      );
      // Only that track: Bob's camera keeps coming.
      assert.ok(
        (await growthOver(ada.page, bob.id, 'camera', 'framesDecoded', 1_000)) > 5,
        "Bob's camera stopped when only his microphone was muted",
      );

      await bob.page.getByRole('button', { name: 'Unmute microphone' }).click();
      await bob.page.getByRole('button', { name: 'Mute microphone' }).waitFor();
      await muteIndicator(tileOf(ada.page, bob.id), 'Microphone muted').waitFor({
        state: 'hidden',
        timeout: 10_000,
      });
      await waitForGrowth(ada.page, bob.id, 'microphone', {
        counter: 'packetsReceived',
        by: 20,
        timeoutMs: 10_000,
      });
    },
  );

  test(
    'MEET-SELF-MUTE: turning the camera off stops its frames reaching the other side; turning it on resumes',
    { skip },
    async () => {
      await ada.page.getByRole('button', { name: 'Turn off camera' }).click();
      await ada.page.getByRole('button', { name: 'Turn on camera' }).waitFor();
      await muteIndicator(tileOf(bob.page, ada.id), 'Camera off').waitFor({
        state: 'visible',
        timeout: 10_000,
      });
      await sleep(SETTLE_MS);
      const videoGrowth = await growthOver(bob.page, ada.id, 'camera', 'framesDecoded', WINDOW_MS);
      assert.equal(
        videoGrowth,
        0,
        `Bob still decoded ${videoGrowth} frames from Ada's camera while it was off`,
      );
      const bytesGrowth = await growthOver(bob.page, ada.id, 'camera', 'bytesReceived', 1_000);
      assert.ok(
        bytesGrowth < 2_000,
        `Bob still received ${bytesGrowth} bytes/s of Ada's video while it was off`,
      );
      assert.ok(
        (await growthOver(bob.page, ada.id, 'microphone', 'packetsReceived', 1_000)) > 10,
        "Ada's microphone stopped when only her camera was turned off",
      );

      await ada.page.getByRole('button', { name: 'Turn on camera' }).click();
      await ada.page.getByRole('button', { name: 'Turn off camera' }).waitFor();
      await muteIndicator(tileOf(bob.page, ada.id), 'Camera off').waitFor({
        state: 'hidden',
        timeout: 10_000,
      });
      await waitForGrowth(bob.page, ada.id, 'camera', {
        counter: 'framesDecoded',
        by: 10,
        timeoutMs: 15_000,
      });
      // And it is Ada's live picture again, not a frozen or black frame.
      await assertPicturesMatch([ada, bob]);
    },
  );
});
