// Camera quality (MEET-QUALITY) through the real server and Janus: the sender's camera goes out in
// three simulcast layers; a receiver whose tile is small gets the low layer and, once its tile is
// large, the high one (the web app reports tile sizes, the SDK asks the server, the server has Janus
// switch); audio is Opus; each tile shows a connection indicator. One server, one Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import { ADMIN, createMeeting, joinAsGuest, joinSignedIn, leaveMeeting, signIn, tileOf } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { assertReceives, waitForRoster, type InMeeting } from './support/checks';
import { waitForOneGroup } from './support/e2ee';
import { startEnvironment, stopEnvironment } from './support/environment';
import { roomMediaStats, sleep, type RemoteMediaStat } from './support/media';
import { recordPeerConnections } from './support/peer-connections';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

interface Layer {
  rid: string;
  width: number;
  height: number;
  limit: string;
}

/** The sizes the sender's camera encodes now, one per simulcast layer (with its rid). */
async function cameraLayers(page: Page): Promise<Layer[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[] };
    const layers: Layer[] = [];
    for (const pc of w.__pcs) {
      for (const sender of pc.getSenders()) {
        // The camera's sender is the simulcast one (under E2EE it sends the Codeword-stamped copy
        // of the camera track, so the track is not the one the SDK shows).
        if (sender.track?.kind !== 'video' || sender.getParameters().encodings.length < 2) continue;
        (await sender.getStats()).forEach(
          (s: {
            type: string;
            rid?: string;
            frameWidth?: number;
            frameHeight?: number;
            qualityLimitationReason?: string;
          }) => {
            if (s.type !== 'outbound-rtp') return;
            layers.push({
              rid: s.rid ?? '',
              width: s.frameWidth ?? 0,
              height: s.frameHeight ?? 0,
              limit: s.qualityLimitationReason ?? '',
            });
          },
        );
      }
    }
    return layers;
  });
}

/**
 * Waits until all three layers leave the sender (Chromium holds the top ones back while its bandwidth
 * estimate ramps up, and under CPU load); returns them by rid.
 */
async function threeLayers(page: Page, timeoutMs = 30_000): Promise<Record<'l' | 'm' | 'h', Layer>> {
  const deadline = Date.now() + timeoutMs;
  let layers: Layer[] = [];
  for (;;) {
    layers = await cameraLayers(page);
    const byRid = Object.fromEntries(layers.map((l) => [l.rid, l])) as Partial<Record<string, Layer>>;
    const { l, m, h } = byRid;
    if (l && m && h && l.width > 0 && l.width < m.width && m.width < h.width) return { l, m, h };
    if (Date.now() > deadline)
      throw new Error(`the sender never sent three layers: ${JSON.stringify(layers)}`);
    await sleep(500);
  }
}

const cameraOf = (stats: RemoteMediaStat[], sender: InMeeting) =>
  stats.find((s) => s.participantId === sender.id && s.source === 'camera');

/** Polls `receiver`'s stats of `sender`'s camera until `ok` holds; returns the stats that did. */
async function waitForCamera(
  receiver: InMeeting,
  sender: InMeeting,
  ok: (s: RemoteMediaStat) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<RemoteMediaStat> {
  const deadline = Date.now() + timeoutMs;
  let last: RemoteMediaStat | undefined;
  for (;;) {
    last = cameraOf(await roomMediaStats(receiver.page), sender);
    if (last && last.framesDecoded > 0 && ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${receiver.name} never got ${what}: ${JSON.stringify(last)}`);
    await sleep(250);
  }
}

describe('MEET-QUALITY: simulcast layers follow the tile size', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let meeting: MeetingView;
  let ada: InMeeting;
  let bob: InMeeting;
  let host: Participant;
  let guest: Participant;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-QUALITY: the camera goes out in three layers; a small tile receives the low one, a large tile the high one; audio is Opus',
    { skip },
    async (t) => {
      // The plain fake camera (the marked one repaints every frame on the CPU this test needs for encoding).
      host = await browser.newParticipant('Ada', { distinctCamera: false });
      await host.context.addInitScript(recordPeerConnections);
      await signIn(host.context, server, ADMIN);
      meeting = await createMeeting(host.context, server, 'Quality');
      ada = { name: 'Ada', page: host.page, id: await joinSignedIn(host.page, meeting.joinUrl) };
      guest = await browser.newParticipant('Bob', { distinctCamera: false });
      // A small window: Bob's two tiles (his own and Ada's) are about 300 px wide.
      await guest.page.setViewportSize({ width: 700, height: 480 });
      bob = { name: 'Bob', page: guest.page, id: await joinAsGuest(guest.page, meeting.joinUrl, 'Bob') };
      await Promise.all([ada, bob].map((p) => waitForRoster(p.page, [ada.id, bob.id])));
      await assertReceives(bob, ada);

      // Three layers leave the sender, each a different size.
      let layers = await threeLayers(ada.page);
      t.diagnostic(`sender layers: ${JSON.stringify(layers)}`);

      const tile = await tileOf(bob.page, ada.id).boundingBox();
      t.diagnostic(`small tile ${tile?.width}×${tile?.height}`);
      const small = await waitForCamera(bob, ada, (s) => s.frameWidth <= layers.l.width, 'the low layer');
      t.diagnostic(`small tile receives ${small.frameWidth}×${small.frameHeight}`);
      assert.ok(small.frameWidth < layers.m.width, 'the low layer');

      // A large window: each of the two tiles is over 1100 px wide.
      await bob.page.setViewportSize({ width: 2400, height: 1350 });
      // Larger than the middle layer is the top one, whatever size CPU load leaves it at.
      const large = await waitForCamera(bob, ada, (s) => s.frameWidth > layers.m.width, 'the high layer');
      layers = await threeLayers(ada.page);
      const bigTile = await tileOf(bob.page, ada.id).boundingBox();
      t.diagnostic(
        `large tile ${bigTile?.width}×${bigTile?.height} receives ${large.frameWidth}×${large.frameHeight}; sender ${JSON.stringify(layers)}`,
      );
      assert.ok(large.frameWidth > small.frameWidth);

      const microphone = (await roomMediaStats(bob.page)).find(
        (s) => s.participantId === ada.id && s.source === 'microphone',
      );
      assert.equal(microphone?.codec.toLowerCase(), 'audio/opus');
    },
  );

  test(
    'MEET-QUALITY: each tile shows how the connection is, by name ("Connection: …")',
    { skip },
    async () => {
      // Media flows, so nobody is "lost"; how good a loopback link is depends on the machine's load.
      const flowing = /^Connection: (excellent|good|poor)$/;
      for (const [page, id] of [
        [bob.page, ada.id],
        [ada.page, bob.id],
      ] as const) {
        await tileOf(page, id).getByRole('img', { name: flowing }).waitFor({ timeout: 15_000 });
      }
      const self = bob.page.locator('[data-testid="participant-tile"][data-self="true"]');
      await self.getByRole('img', { name: flowing }).waitFor({ timeout: 15_000 });
    },
  );

  test(
    'MEET-QUALITY, E2EE-FRAME: in an end-to-end encrypted meeting every layer is encrypted and decodes: low in a small tile, high in a large one',
    { skip },
    async (t) => {
      await leaveMeeting(ada.page);
      await guest.context.close();
      const secret = await createMeeting(host.context, server, 'Quality, encrypted', { e2ee: true });
      ada = { name: 'Ada', page: host.page, id: await joinSignedIn(host.page, secret.joinUrl) };
      const next = await browser.newParticipant('Cleo', { distinctCamera: false });
      await next.page.setViewportSize({ width: 700, height: 480 });
      const cleo = {
        name: 'Cleo',
        page: next.page,
        id: await joinAsGuest(next.page, secret.joinUrl, 'Cleo'),
      };
      await Promise.all([ada, cleo].map((p) => waitForRoster(p.page, [ada.id, cleo.id])));
      await waitForOneGroup([ada, cleo]);
      await assertReceives(cleo, ada);
      const layers = await threeLayers(ada.page);
      t.diagnostic(`sender layers: ${JSON.stringify(layers)}`);
      const small = await waitForCamera(cleo, ada, (s) => s.frameWidth <= layers.l.width, 'the low layer');
      await assertReceives(cleo, ada);
      await next.page.setViewportSize({ width: 2400, height: 1350 });
      const large = await waitForCamera(cleo, ada, (s) => s.frameWidth > layers.m.width, 'the high layer');
      // Decoding goes on on the high layer: its frames authenticate and decrypt too.
      await assertReceives(cleo, ada);
      t.diagnostic(
        `encrypted: small tile ${small.frameWidth}×${small.frameHeight}, large ${large.frameWidth}×${large.frameHeight}`,
      );
    },
  );
});
