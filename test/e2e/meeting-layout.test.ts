// MEET-LAYOUT and the in-meeting essentials through the web app: Ada (the owner, an Administrator)
// talks while Bob and Cleo (guests) are muted; the media server's audio levels make Ada the active
// speaker at the others (ring on her tile, `data-speaking`), the big tile in speaker layout unless
// someone is pinned; the layout switch; the organisation's default layout for a newcomer; raised
// hands; a keyboard shortcut that mutes. The browser's fake microphone plays a speech-like sound
// (support/speech.ts). Real server, Janus and Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createMeeting, joinAsGuest, joinSignedIn, signIn, tileOf, updateSettings } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceivesAll, type InMeeting } from './support/checks';
import { waitForGrowth } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';
import { startSpeechScene, type SpeechScene } from './support/speech-scene';

const skip = mediaSkipReason();

/** Whether the page's SDK room says the participant's microphone is on (the server's roster). */
const micOnAt = (page: Page, participantId: string) =>
  page.evaluate((id) => {
    const room = (
      window as unknown as {
        __conclave: { room: { remoteParticipants: Map<string, { isMicrophoneEnabled: boolean }> } };
      }
    ).__conclave.room;
    return room.remoteParticipants.get(id)?.isMicrophoneEnabled ?? null;
  }, participantId);

const chooseLayout = async (page: Page, layout: 'Gallery' | 'Speaker') => {
  await page.getByRole('button', { name: 'Layout' }).click();
  await page.getByRole('radio', { name: layout }).check();
  await page.keyboard.press('Escape');
};

const placeOf = (page: Page, participantId: string) => tileOf(page, participantId).getAttribute('data-place');

describe('layouts, active speaker, raised hands and shortcuts in the web app', () => {
  let scene: SpeechScene | undefined;
  let server: TestServer;
  let browser: TestBrowser;
  let ada: InMeeting;
  let bob: InMeeting;
  let cleo: InMeeting;
  let joinUrl: string;
  let adaContext: SpeechScene['adaContext'];

  before(async () => {
    if (skip) return;
    scene = await startSpeechScene('Stand-up');
    ({ server, browser, ada, bob, cleo, joinUrl, adaContext } = scene);
    await assertReceivesAll(bob, [ada, cleo]);
  });
  after(async () => {
    await scene?.stop();
  });

  test(
    'MEET-LAYOUT: Ctrl+D mutes the microphone: the server’s roster shows it muted at the others',
    { skip },
    async () => {
      await bob.page.locator('body').click({ position: { x: 5, y: 5 } });
      await bob.page.keyboard.press('Control+d');
      await bob.page.getByRole('button', { name: 'Unmute microphone' }).waitFor({ timeout: 10_000 });
      await ada.page.waitForFunction(
        (id) => {
          const room = (
            window as unknown as {
              __conclave: { room: { remoteParticipants: Map<string, { isMicrophoneEnabled: boolean }> } };
            }
          ).__conclave.room;
          return room.remoteParticipants.get(id)?.isMicrophoneEnabled === false;
        },
        bob.id,
        { timeout: 10_000 },
      );
      assert.equal(await micOnAt(ada.page, bob.id), false);
      assert.equal(await micOnAt(cleo.page, bob.id), false);
      await bob.page
        .getByTestId('meeting-announcer')
        .getByText('Microphone muted')
        .waitFor({ state: 'attached' });
      // Cleo mutes by the button.
      await cleo.page.getByRole('button', { name: 'Mute microphone' }).click();
      await cleo.page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
    },
  );

  test(
    'MEET-LAYOUT: the one speaking is highlighted at the others, from the media server’s audio levels',
    { skip },
    async () => {
      for (const watcher of [bob, cleo]) {
        await tileOf(watcher.page, ada.id)
          .and(watcher.page.locator('[data-speaking="true"]'))
          .waitFor({ timeout: 15_000 });
      }
      // The muted ones are not.
      for (const [watcher, other] of [
        [bob, cleo],
        [cleo, bob],
        [ada, bob],
        [ada, cleo],
      ] as const) {
        assert.equal(
          await tileOf(watcher.page, other.id).getAttribute('data-speaking'),
          'false',
          `${other.name} at ${watcher.name}`,
        );
      }
      // The SDK's list: Ada alone, once the mutes just made have reached it (lists go out every 300 ms).
      await bob.page.waitForFunction(
        (id) => {
          const room = (window as unknown as { __conclave: { room: { activeSpeakers: { id: string }[] } } })
            .__conclave.room;
          return room.activeSpeakers.map((p) => p.id).join(',') === id;
        },
        ada.id,
        { timeout: 5_000 },
      );
    },
  );

  test(
    'MEET-LAYOUT: in speaker layout the speaker is the big tile; pinning overrides it; gallery puts everyone back',
    { skip },
    async () => {
      await chooseLayout(bob.page, 'Speaker');
      await tileOf(bob.page, ada.id)
        .and(bob.page.locator('[data-place="main"]'))
        .waitFor({ timeout: 10_000 });
      assert.equal(await placeOf(bob.page, cleo.id), 'strip');
      const big = await tileOf(bob.page, ada.id).boundingBox();
      const small = await tileOf(bob.page, cleo.id).boundingBox();
      assert.ok(
        big && small && big.width > small.width * 2,
        `the speaker’s tile is the large one: ${big?.width} vs ${small?.width}`,
      );

      await tileOf(bob.page, cleo.id).getByRole('button', { name: 'Pin Cleo' }).click();
      await tileOf(bob.page, cleo.id)
        .and(bob.page.locator('[data-place="main"]'))
        .waitFor({ timeout: 5_000 });
      assert.equal(await placeOf(bob.page, ada.id), 'strip', 'Ada still speaks, but Cleo is pinned');
      assert.equal(await tileOf(bob.page, ada.id).getAttribute('data-speaking'), 'true');
      await tileOf(bob.page, cleo.id).getByRole('button', { name: 'Unpin Cleo' }).click();
      await tileOf(bob.page, ada.id).and(bob.page.locator('[data-place="main"]')).waitFor({ timeout: 5_000 });

      // Remembered on this device.
      assert.equal(await bob.page.evaluate(() => localStorage.getItem('conclave.layout')), 'speaker');
      await chooseLayout(bob.page, 'Gallery');
      for (const p of [ada, cleo]) {
        await tileOf(bob.page, p.id)
          .and(bob.page.locator('[data-place="gallery"]'))
          .waitFor({ timeout: 5_000 });
      }
      // Cleo has not chosen: the organisation's default, gallery.
      assert.equal(await placeOf(cleo.page, ada.id), 'gallery');
    },
  );

  test(
    'MEET-LAYOUT: the organisation’s default layout set to speaker is what a newcomer starts in',
    { skip },
    async () => {
      await updateSettings(adaContext, server, { layouts: { default: 'speaker' } });
      const d = await browser.newParticipant('Dan');
      const danId = await joinAsGuest(d.page, joinUrl, 'Dan');
      await d.page.locator('[data-layout="speaker"]').waitFor({ timeout: 10_000 });
      await tileOf(d.page, ada.id).and(d.page.locator('[data-place="main"]')).waitFor({ timeout: 15_000 });
      assert.equal(
        await d.page.getByRole('radio', { name: 'Speaker', includeHidden: true }).isChecked(),
        true,
      );
      await d.page.getByRole('button', { name: 'Leave meeting' }).click();
      await tileOf(ada.page, danId).waitFor({ state: 'detached', timeout: 10_000 });
      await updateSettings(adaContext, server, { layouts: { default: 'gallery' } });
    },
  );

  test(
    'MEET-LAYOUT: a raised hand is seen by the others and announced; a moderator lowers it, a guest may not',
    { skip },
    async () => {
      await cleo.page.getByRole('button', { name: 'Raise hand' }).click();
      await cleo.page.getByRole('button', { name: 'Lower hand' }).waitFor();
      for (const watcher of [ada, bob]) {
        await tileOf(watcher.page, cleo.id)
          .and(watcher.page.locator('[data-hand="raised"]'))
          .waitFor({ timeout: 10_000 });
        await tileOf(watcher.page, cleo.id).getByText('Hand raised').waitFor();
      }
      await ada.page
        .getByTestId('meeting-announcer')
        .getByText('Cleo raised their hand')
        .waitFor({ state: 'attached' });

      // Bob raises his too (Alt+Y): the panel lists hands first, in the order raised.
      await bob.page.keyboard.press('Alt+y');
      await bob.page.getByRole('button', { name: 'Lower hand' }).waitFor();
      const panel = ada.page.getByRole('complementary', { name: 'Participants' });
      await ada.page.getByRole('button', { name: 'Participants' }).click();
      await panel
        .locator('[data-testid="participant-row"][data-hand="raised"]')
        .nth(1)
        .waitFor({ timeout: 10_000 });
      const rows = await panel
        .locator('[data-testid="participant-row"]')
        .evaluateAll((els) =>
          els.map((el) => `${el.getAttribute('data-participant-id')}:${el.getAttribute('data-hand') ?? ''}`),
        );
      assert.deepEqual(
        rows.slice(1, 3),
        [`${cleo.id}:raised`, `${bob.id}:raised`],
        'raised hands first, in order',
      );

      // Bob, a guest, has no button to lower Cleo's hand, and the server refuses him.
      await bob.page.getByRole('button', { name: 'Participants' }).click();
      assert.equal(await bob.page.getByRole('button', { name: 'Lower hand, Cleo' }).count(), 0);
      const refused = await bob.page.evaluate(async (id) => {
        const room = (window as unknown as { __conclave: { room: { lowerHand(id: string): Promise<void> } } })
          .__conclave.room;
        try {
          await room.lowerHand(id);
          return 'lowered';
        } catch (err) {
          return (err as { code?: string }).code ?? 'error';
        }
      }, cleo.id);
      assert.equal(refused, 'forbidden');
      assert.equal(await tileOf(ada.page, cleo.id).getAttribute('data-hand'), 'raised');

      await panel.getByRole('button', { name: 'Lower hand, Cleo' }).click();
      await cleo.page.getByRole('button', { name: 'Raise hand' }).waitFor({ timeout: 10_000 });
      await tileOf(bob.page, cleo.id).and(bob.page.locator(':not([data-hand])')).waitFor({ timeout: 10_000 });
    },
  );

  test('MEET-LAYOUT: "?" opens the keyboard shortcuts, which list mute and camera', { skip }, async () => {
    await cleo.page.locator('body').click({ position: { x: 5, y: 5 } });
    await cleo.page.keyboard.press('Shift+?');
    const dialog = cleo.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await dialog.getByText('Mute or unmute your microphone').waitFor();
    await dialog.getByText('Turn your camera on or off').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test(
    'MEET-LAYOUT: noise suppression is on by default with echo cancellation and gain; Settings turns it off, remembered on the device',
    { skip },
    async () => {
      const processing = () =>
        ada.page.evaluate(() => {
          const room = (
            window as unknown as {
              __conclave: { room: { localParticipant: { microphoneTrack: MediaStreamTrack | null } } };
            }
          ).__conclave.room;
          const s = room.localParticipant.microphoneTrack?.getSettings();
          return s && [s.echoCancellation, s.autoGainControl, s.noiseSuppression];
        });
      assert.deepEqual(await processing(), [true, true, true]);
      await ada.page.getByRole('button', { name: 'Settings' }).click();
      const dialog = ada.page.getByRole('dialog', { name: 'Audio and video' });
      const toggle = dialog.getByRole('switch', { name: 'Noise suppression', exact: true });
      assert.equal(await toggle.isChecked(), true);
      // Clicked where people click it: on its words (the box itself is drawn by the label).
      await dialog.getByText('Noise suppression', { exact: true }).click();
      assert.equal(await toggle.isChecked(), false);
      await ada.page.waitForFunction(
        () => {
          const room = (
            window as unknown as {
              __conclave: { room: { localParticipant: { microphoneTrack: MediaStreamTrack | null } } };
            }
          ).__conclave.room;
          return room.localParticipant.microphoneTrack?.getSettings().noiseSuppression === false;
        },
        null,
        { timeout: 10_000 },
      );
      assert.deepEqual(await processing(), [true, true, false]);
      assert.equal(await ada.page.evaluate(() => localStorage.getItem('conclave.noiseSuppression')), 'off');
      // Still heard: the others keep receiving her microphone.
      await waitForGrowth(bob.page, ada.id, 'microphone', {
        counter: 'packetsReceived',
        by: 20,
        timeoutMs: 10_000,
      });
      await dialog.getByText('Noise suppression', { exact: true }).click();
      assert.equal(await toggle.isChecked(), true);
      await dialog.getByRole('button', { name: 'Done' }).click();
    },
  );

  test(
    'MEET-LAYOUT: in an end-to-end encrypted meeting the speaker is found all the same (audio levels stay in clear)',
    { skip },
    async () => {
      const owner = await browser.newParticipant('Ada again');
      await signIn(owner.context, server);
      const sealed = await createMeeting(owner.context, server, 'Sealed', { e2ee: true });
      const adaId = await joinSignedIn(owner.page, sealed.joinUrl);
      const e = await browser.newParticipant('Eve');
      const eveId = await joinAsGuest(e.page, sealed.joinUrl, 'Eve');
      await e.page.getByRole('button', { name: 'Mute microphone' }).click();
      await e.page.getByTestId('e2ee-status').getByText('End-to-end encrypted').waitFor({ timeout: 20_000 });
      await tileOf(e.page, adaId).and(e.page.locator('[data-speaking="true"]')).waitFor({ timeout: 15_000 });
      assert.equal(await tileOf(owner.page, eveId).getAttribute('data-speaking'), 'false');
      await owner.context.close();
      await e.context.close();
    },
  );
});
