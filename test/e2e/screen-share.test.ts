// Screen sharing (MEET-SHARE) through the real server and Janus: one participant shares the fake
// display Chromium offers headless (--use-fake-device-for-media-stream with
// --use-fake-ui-for-media-stream picks it without a dialog: a 3840×2160 capture at 15 frames/s),
// the others decode it at the size it is sent; stopping from the app and from the browser (the
// track ends) both take it away; in an E2EE meeting members decode it and a keyless listener does
// not. One server and one Chromium; the tests run in order and build on each other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import { ADMIN, createMeeting, joinAsGuest, joinSignedIn, leaveMeeting, signIn } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { waitForRoster, type InMeeting } from './support/checks';
import { waitForOneGroup, withholdAdmission } from './support/e2ee';
import { startEnvironment, stopEnvironment } from './support/environment';
import { roomMediaStats, sleep, type RemoteMediaStat } from './support/media';
import { recordPeerConnections } from './support/peer-connections';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

/** The large screen-share area showing `sharer`'s screen on `page`. */
const shareArea = (page: Page, sharer: InMeeting) =>
  page.locator(`[data-testid="screen-share"][data-participant-id="${sharer.id}"]`);

/** What the sharer's browser encodes for its screen: size, frames, and what limits it. */
async function screenSent(
  page: Page,
): Promise<{ width: number; height: number; frames: number; limit: string }> {
  return page.evaluate(async () => {
    const w = window as unknown as {
      __conclave: { room: { localParticipant: { screenShareTrack: MediaStreamTrack | null } } };
      __screenSender?: RTCRtpSender;
    };
    const track = w.__conclave.room.localParticipant.screenShareTrack;
    if (!track) throw new Error('not sharing');
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    for (const pc of pcs) {
      for (const sender of pc.getSenders()) {
        if (sender.track !== track) continue;
        let out = { width: 0, height: 0, frames: 0, limit: '' };
        (await sender.getStats()).forEach(
          (s: {
            type: string;
            frameWidth?: number;
            frameHeight?: number;
            framesEncoded?: number;
            qualityLimitationReason?: string;
          }) => {
            if (s.type !== 'outbound-rtp') return;
            out = {
              width: s.frameWidth ?? 0,
              height: s.frameHeight ?? 0,
              frames: s.framesEncoded ?? 0,
              limit: s.qualityLimitationReason ?? '',
            };
          },
        );
        return out;
      }
    }
    throw new Error('no sender carries the shared screen');
  });
}

const screenOf = (stats: RemoteMediaStat[], sharer: InMeeting) =>
  stats.find((s) => s.participantId === sharer.id && s.source === 'screen');

/**
 * Waits until `receiver` decodes 10 more frames of `sharer`'s screen; returns the last stats.
 * `counter: 'bytesReceived'` waits for bytes instead (a receiver that cannot decode).
 */
async function waitForScreen(
  receiver: InMeeting,
  sharer: InMeeting,
  counter: 'framesDecoded' | 'bytesReceived' = 'framesDecoded',
  by = 10,
  timeoutMs = 30_000,
): Promise<RemoteMediaStat> {
  const deadline = Date.now() + timeoutMs;
  let first: number | null = null;
  let last: RemoteMediaStat | undefined;
  for (;;) {
    last = screenOf(await roomMediaStats(receiver.page), sharer);
    if (last) {
      if (first === null || last[counter] < first) first = last[counter];
      if (last[counter] - first >= by) return last;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${receiver.name} does not get ${sharer.name}'s screen (${counter}): ${JSON.stringify(last)}`,
      );
    }
    await sleep(250);
  }
}

/** Waits until the screen is gone at `receiver`: no share area, no subscribed screen stream. */
async function waitForScreenGone(receiver: InMeeting, sharer: InMeeting): Promise<void> {
  await shareArea(receiver.page, sharer).waitFor({ state: 'detached', timeout: 15_000 });
  const deadline = Date.now() + 15_000;
  while (screenOf(await roomMediaStats(receiver.page), sharer)) {
    if (Date.now() > deadline) throw new Error(`${receiver.name} still receives ${sharer.name}'s screen`);
    await sleep(250);
  }
}

describe('MEET-SHARE: screen sharing', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let meeting: MeetingView;
  const people: InMeeting[] = [];
  const contexts: Participant[] = [];

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
  });
  after(() => stopEnvironment({ server, browser }));

  /** A guest in a fresh context. */
  async function guest(name: string, joinUrl: string, options: { keyless?: boolean } = {}) {
    // The plain fake camera: the screen is what this file looks at, and the marked one costs CPU.
    const p = await browser.newParticipant(name, { distinctCamera: false });
    contexts.push(p);
    await p.context.addInitScript(recordPeerConnections);
    if (options.keyless) await withholdAdmission(p.page);
    return { name, page: p.page, id: await joinAsGuest(p.page, joinUrl, name) };
  }

  test(
    'MEET-SHARE: a shared screen reaches the others as a separate track, decoded at the size it is sent, shown large',
    { skip },
    async (t) => {
      const host = await browser.newParticipant('Ada', { distinctCamera: false });
      contexts.push(host);
      await host.context.addInitScript(recordPeerConnections);
      await signIn(host.context, server, ADMIN);
      meeting = await createMeeting(host.context, server, 'Review');
      const ada = { name: 'Ada', page: host.page, id: await joinSignedIn(host.page, meeting.joinUrl) };
      const bob = await guest('Bob', meeting.joinUrl);
      people.push(ada, bob);
      await Promise.all(people.map((p) => waitForRoster(p.page, [ada.id, bob.id])));

      await ada.page.getByRole('button', { name: 'Share screen' }).click();
      await ada.page.getByRole('button', { name: 'Stop sharing' }).waitFor();
      const settings = await ada.page.evaluate(() => {
        const w = window as unknown as {
          __conclave: { room: { localParticipant: { screenShareTrack: MediaStreamTrack | null } } };
        };
        const track = w.__conclave.room.localParticipant.screenShareTrack;
        return track && { ...track.getSettings(), contentHint: track.contentHint };
      });
      t.diagnostic(`captured: ${JSON.stringify(settings)}`);
      assert.equal(settings?.contentHint, 'detail');

      await bob.page
        .getByRole('group', { name: `${ADMIN.displayName}'s screen` })
        .waitFor({ timeout: 20_000 });
      const received = await waitForScreen(bob, ada);
      // The camera is still its own track beside the screen.
      const camera = (await roomMediaStats(bob.page)).find(
        (s) => s.participantId === ada.id && s.source === 'camera',
      );
      assert.ok(camera, 'the camera is still received beside the screen');
      const sent = await screenSent(ada.page);
      t.diagnostic(
        `sent ${sent.width}×${sent.height} (${sent.frames} frames, limit ${sent.limit}); received ${received.frameWidth}×${received.frameHeight}`,
      );
      assert.deepEqual([received.frameWidth, received.frameHeight], [sent.width, sent.height]);
      assert.ok(
        received.frameWidth >= 1920,
        `the share arrives at ${received.frameWidth}×${received.frameHeight}`,
      );
      assert.equal(received.codec, 'video/VP8');
      // The receiver's stage turns to presentation layout: the screen is the big tile, cameras in the strip.
      await bob.page.locator('.stage-view[data-layout="presentation"]').waitFor({ timeout: 10_000 });
      assert.equal(
        await bob.page
          .locator(`.stage-main-tile [data-testid="screen-share"]`)
          .getAttribute('data-participant-id'),
        ada.id,
      );
      assert.equal(await bob.page.locator('.stage-strip [data-testid="participant-tile"]').count(), 2);
    },
  );

  test('MEET-SHARE: "Stop sharing" in the app takes the screen away from everyone', { skip }, async () => {
    const [ada, bob] = people as [InMeeting, InMeeting];
    await ada.page.getByRole('button', { name: 'Stop sharing' }).click();
    await ada.page.getByRole('button', { name: 'Share screen' }).waitFor();
    await waitForScreenGone(bob, ada);
    await shareArea(ada.page, ada).waitFor({ state: 'detached' });
    // Back to the layout that was chosen before the share.
    await bob.page.locator('.stage-view[data-layout="gallery"]').waitFor({ timeout: 10_000 });
  });

  test(
    'MEET-SHARE: sharing again works, and the browser ending the capture ("Stop sharing" bar) stops the share',
    { skip },
    async () => {
      const [ada, bob] = people as [InMeeting, InMeeting];
      await ada.page.getByRole('button', { name: 'Share screen' }).click();
      await waitForScreen(bob, ada);
      // What the browser does when its own bar stops the capture: the track ends and says so.
      await ada.page.evaluate(() => {
        const w = window as unknown as {
          __conclave: { room: { localParticipant: { screenShareTrack: MediaStreamTrack | null } } };
        };
        const track = w.__conclave.room.localParticipant.screenShareTrack;
        if (!track) throw new Error('not sharing');
        track.stop();
        track.dispatchEvent(new Event('ended'));
      });
      await ada.page.getByRole('button', { name: 'Share screen' }).waitFor();
      await waitForScreenGone(bob, ada);
    },
  );

  test(
    'MEET-SHARE, E2EE-FRAME: in an end-to-end encrypted meeting members decode the share; a keyless listener receives it and decodes none',
    { skip },
    async (t) => {
      // Ada takes her page to a new, encrypted meeting; the first Bob goes.
      await leaveMeeting(people[0]!.page);
      await contexts[1]!.context.close();
      const host = contexts[0]!;
      const secret = await createMeeting(host.context, server, 'Secret review', { e2ee: true });
      const ada = { name: 'Ada', page: host.page, id: await joinSignedIn(host.page, secret.joinUrl) };
      const bob = await guest('Bob', secret.joinUrl);
      const members = [ada, bob];
      await Promise.all(members.map((p) => waitForRoster(p.page, [ada.id, bob.id])));
      await waitForOneGroup(members);
      const eve = await guest('Eve', secret.joinUrl, { keyless: true });

      await ada.page.getByRole('button', { name: 'Share screen' }).click();
      const decoded = await waitForScreen(bob, ada);
      t.diagnostic(`member decodes ${decoded.frameWidth}×${decoded.frameHeight}`);
      assert.ok(decoded.frameWidth >= 1920);
      const arrived = await waitForScreen(eve, ada, 'bytesReceived', 20_000);
      assert.equal(arrived.framesDecoded, 0, `Eve decoded the encrypted share: ${JSON.stringify(arrived)}`);
      await sleep(2000);
      const later = screenOf(await roomMediaStats(eve.page), ada);
      assert.ok(later && later.bytesReceived > arrived.bytesReceived, 'the encrypted share keeps arriving');
      assert.equal(later.framesDecoded, 0, 'and none of it decodes without the keys');
    },
  );
});
