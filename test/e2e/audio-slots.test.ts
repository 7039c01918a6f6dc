// MEET-QUALITY: audio slots. Each participant receives at most CONCLAVE_AUDIO_SLOTS microphones (here
// 1, so that three people show it): the unmuted ones who spoke last. When the one a slot carries
// mutes and someone else unmutes and speaks, the media server switches that slot's source: the
// receiver hears the new speaker on the same media section, told by `streamsSwitched`, with no new
// subscription offer. The browsers' fake microphones play a speech-like sound (support/speech.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertReceivesAll, type InMeeting } from './support/checks';
import { roomMediaStats, sleep } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { startSpeechScene, type SpeechScene } from './support/speech-scene';
import { framesReceived, recordWire } from './support/wire';

const skip = mediaSkipReason();

/** Which participants' microphones the page receives now (by the SDK's stream list). */
const microphonesAt = async (page: Page) =>
  (await roomMediaStats(page))
    .filter((s) => s.source === 'microphone')
    .map((s) => s.participantId)
    .sort();

/** Waits until the page receives exactly these participants' microphones. */
async function waitForMicrophones(page: Page, ids: string[], timeoutMs = 15_000): Promise<void> {
  const want = [...ids].sort().join();
  const deadline = Date.now() + timeoutMs;
  let now = '';
  while (Date.now() < deadline) {
    now = (await microphonesAt(page)).join();
    if (now === want) return;
    await sleep(200);
  }
  assert.fail(`the page receives the microphones of [${now}], not [${want}]`);
}

const mute = async (p: InMeeting) => {
  await p.page.getByRole('button', { name: 'Mute microphone' }).click();
  await p.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
};
const unmute = async (p: InMeeting) => {
  await p.page.getByRole('button', { name: 'Unmute microphone' }).click();
  await p.page.getByRole('button', { name: 'Mute microphone' }).waitFor();
};

describe('MEET-QUALITY: audio slots', () => {
  let scene: SpeechScene | undefined;
  let ada: InMeeting;
  let bob: InMeeting;
  let cleo: InMeeting;

  before(async () => {
    if (skip) return;
    scene = await startSpeechScene('Slots', {
      env: { CONCLAVE_AUDIO_SLOTS: '1' },
      beforeJoin: (context) => context.addInitScript(recordWire),
    });
    ({ ada, bob, cleo } = scene);
  });
  after(async () => {
    await scene?.stop();
  });

  test(
    'MEET-QUALITY: with one audio slot, a receiver gets one microphone, the unmuted speaker’s; when another takes over, the slot switches to them without a new offer',
    { skip },
    async () => {
      // Only Ada speaks: Bob's one slot carries her, and her audio plays (every video still comes).
      await mute(cleo);
      await mute(bob);
      await waitForMicrophones(bob.page, [ada.id]);
      await assertReceivesAll(bob, [ada], 15_000, ['microphone']);
      await assertReceivesAll(bob, [ada, cleo], 15_000, ['camera']);
      const offersBefore = (await framesReceived(bob.page)).filter((t) => t === 'subscriptionOffer').length;

      // Ada stops, Cleo speaks: the slot is Cleo's now, on the same media section.
      await mute(ada);
      await unmute(cleo);
      await waitForMicrophones(bob.page, [cleo.id]);
      // Ada's microphone is muted (the media server forwards nothing of it): what grows is Cleo's.
      await assertReceivesAll(bob, [cleo], 15_000, ['microphone']);
      assert.deepEqual(await microphonesAt(bob.page), [cleo.id]);
      const frames = await framesReceived(bob.page);
      assert.ok(frames.includes('streamsSwitched'), 'the server said the section carries Cleo now');
      assert.equal(
        frames.filter((t) => t === 'subscriptionOffer').length,
        offersBefore,
        'no new offer: the media server switched the source in place',
      );
      // Everyone's camera still reaches Bob.
      await assertReceivesAll(bob, [ada, cleo], 15_000, ['camera']);
    },
  );
});
