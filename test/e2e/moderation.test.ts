// MEET-MOD-MUTE and MEET-MOD-REMOVE through the web app. Bob's browser ignores its own mute
// (support/keep-sending.ts), so when the owner's "Mute all" silences him at the receivers, it is the
// server that stopped Janus relaying him, not his browser being polite. A removed participant is
// disconnected at once and, joining again, waits in the lobby. Real server, Janus and Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tileOf } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceivesAll, muteIndicator, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { keptSendingCounter } from './support/keep-sending';
import { growthOver, sleep, waitForGrowth } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { adaHostsStubbornBobAndCleo } from './support/scenes';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

/** Time for the mute to reach the media server and for packets already in flight to drain. */
const SETTLE_MS = 1_500;
const WINDOW_MS = 2_500;

describe('moderators in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: InMeeting;
  let bob: InMeeting;
  let cleo: InMeeting;

  const panel = async () => {
    const aside = ada.page.getByRole('complementary', { name: 'Participants' });
    if (!(await aside.isVisible())) await ada.page.getByRole('button', { name: 'Participants' }).click();
    await aside.waitFor();
    return aside;
  };

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    ({ ada, bob, cleo } = await adaHostsStubbornBobAndCleo(browser, server, 'Town hall'));
    await assertReceivesAll(ada, [cleo]);
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-MOD-MUTE: "Mute all" stops everyone’s audio reaching the others, measured at the receivers; they are told',
    { skip },
    async () => {
      await (await panel()).getByRole('button', { name: 'Mute all' }).click();
      for (const who of [bob, cleo]) {
        await who.page.getByRole('alert').filter({ hasText: 'Ada Admin muted your microphone' }).waitFor();
        const toggle = who.page.getByRole('button', { name: 'Unmute microphone' });
        assert.equal(await toggle.getAttribute('aria-disabled'), 'true', `${who.name} cannot unmute`);
      }
      for (const [receiver, sender] of [
        [ada, bob],
        [ada, cleo],
        [cleo, bob],
        [bob, cleo],
      ] as const) {
        await muteIndicator(tileOf(receiver.page, sender.id), 'Microphone muted').waitFor({
          timeout: 10_000,
        });
      }
      await sleep(SETTLE_MS);

      const sentBefore = await keptSendingCounter(bob.page, 'audio', 'packetsSent');
      const received = await Promise.all(
        [
          [ada, bob],
          [cleo, bob],
          [ada, cleo],
          [bob, cleo],
        ].map(async ([receiver, sender]) => ({
          what: `${sender!.name} → ${receiver!.name}`,
          growth: await growthOver(receiver!.page, sender!.id, 'microphone', 'packetsReceived', WINDOW_MS),
        })),
      );
      const sent = (await keptSendingCounter(bob.page, 'audio', 'packetsSent')) - sentBefore;
      assert.ok(
        sent >= 30,
        `Bob's browser stopped sending (${sent} packets): the test no longer tests the server`,
      );
      for (const { what, growth } of received) {
        assert.equal(growth, 0, `${what}: ${growth} audio packets got through after "Mute all"`);
      }
      // The moderator is not muted: Ada still reaches everyone.
      for (const receiver of [bob, cleo]) {
        await waitForGrowth(receiver.page, ada.id, 'microphone', { counter: 'packetsReceived', by: 20 });
      }
    },
  );

  test(
    'MEET-MOD-REMOVE: a removed participant is disconnected at once and cannot rejoin without being admitted',
    { skip },
    async () => {
      await (await panel()).getByRole('button', { name: 'Remove Cleo' }).click();
      await cleo.page.getByText('You were removed from the meeting').waitFor({ timeout: 10_000 });
      await tileOf(bob.page, cleo.id).waitFor({ state: 'detached', timeout: 10_000 });
      await tileOf(ada.page, cleo.id).waitFor({ state: 'detached' });

      // Joining again from the same browser (the same guest) lands in the lobby, not the meeting.
      await cleo.page.goto(await ada.page.evaluate(() => location.href));
      await cleo.page.getByLabel('Your name').fill('Cleo');
      await cleo.page.getByRole('button', { name: 'Join meeting' }).click();
      await cleo.page.getByRole('heading', { name: 'Waiting to be let in' }).waitFor({ timeout: 15_000 });
      const aside = await panel();
      await aside.getByRole('button', { name: 'Admit Cleo' }).waitFor({ timeout: 10_000 });
      assert.equal(await tileOf(bob.page, cleo.id).count(), 0);
    },
  );
});
