// An end-to-end encrypted meeting through the real server and Janus: three people decode each other
// and agree on one group; someone the server lets in without keys decodes nothing; after a leave the
// others move to a new epoch without a visible gap. One server, one Chromium, one meeting; in order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import { ADMIN, createMeeting, joinAsGuest, joinSignedIn, leaveMeeting, signIn } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import {
  assertPicturesMatch,
  assertReceivesAll,
  ownVideo,
  remoteVideo,
  waitForRoster,
  type InMeeting,
} from './support/checks';
import {
  captureEpochKeys,
  capturedKeys,
  e2eeOf,
  exposeMediaWorker,
  giveKeys,
  waitForOneGroup,
  withholdAdmission,
} from './support/e2ee';
import { startEnvironment, stopEnvironment } from './support/environment';
import {
  contrast,
  growthOver,
  MISMATCH_THRESHOLD,
  pearson,
  roomMediaStats,
  sleep,
  snapshotTogether,
} from './support/media';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

/**
 * Samples, in the page, the cameras of `senders` (participant ids) each 40 ms for `ms`, and returns
 * the longest time any of them went without a new frame. Only those who stay are watched: the camera
 * of someone who leaves stops by itself, and lingers in the stats until the next offer removes it.
 */
async function longestFreeze(page: Page, senders: readonly string[], ms: number): Promise<number> {
  return page.evaluate(
    async ({ duration, ids }) => {
      const w = window as unknown as {
        __conclave: {
          room: {
            getMediaStats(): Promise<{ participantId: string; kind: string; framesDecoded: number }[]>;
          };
        };
      };
      const last = new Map<string, { frames: number; at: number }>();
      let worst = 0;
      const end = performance.now() + duration;
      while (performance.now() < end) {
        const now = performance.now();
        for (const s of await w.__conclave.room.getMediaStats()) {
          if (s.kind !== 'video' || !ids.includes(s.participantId)) continue;
          const seen = last.get(s.participantId);
          if (!seen || s.framesDecoded > seen.frames)
            last.set(s.participantId, { frames: s.framesDecoded, at: now });
          else worst = Math.max(worst, now - seen.at);
        }
        await new Promise((r) => setTimeout(r, 40));
      }
      return Math.round(worst);
    },
    { duration: ms, ids: senders },
  );
}

/**
 * How much `receiver`'s picture of each sender resembles that sender's own camera preview: 0 when it
 * shows no picture at all or a flat one.
 */
async function picturesOf(receiver: InMeeting, senders: readonly InMeeting[]) {
  const own = await snapshotTogether(senders.map(ownVideo));
  return Promise.all(
    senders.map(async (s, i) => {
      const [remote] = await snapshotTogether([remoteVideo(receiver, s)]).catch(() => [null]);
      const r = remote && contrast(remote) >= 5 ? pearson(remote.pixels, own[i]!.pixels) : 0;
      return { sender: s.name, r };
    }),
  );
}

describe('an end-to-end encrypted meeting', () => {
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

  test(
    'E2EE-FRAME, E2EE-KEYX, E2EE-SECURITY-CODE, E2EE-CODEWORD: three participants decode each other and see one group, one security code and the same Codewords',
    { skip },
    async () => {
      const host = await browser.newParticipant('Ada');
      contexts.push(host);
      await signIn(host.context, server, ADMIN);
      meeting = await createMeeting(host.context, server, 'Board', { e2ee: true });
      assert.equal(meeting.e2ee, true);
      people.push({ name: 'Ada', page: host.page, id: await joinSignedIn(host.page, meeting.joinUrl) });
      for (const name of ['Bob', 'Cy']) {
        const p = await browser.newParticipant(name);
        contexts.push(p);
        people.push({ name, page: p.page, id: await joinAsGuest(p.page, meeting.joinUrl, name) });
      }
      const ids = people.map((p) => p.id);
      await Promise.all(people.map((p) => waitForRoster(p.page, ids)));
      const views = await waitForOneGroup(people);
      await Promise.all(
        people.map((p) =>
          assertReceivesAll(
            p,
            people.filter((q) => q !== p),
          ),
        ),
      );
      await assertPicturesMatch(people);
      // Everyone sees, for each person, the Codeword that person sees for themselves.
      people.forEach((p, i) => {
        for (const v of views) assert.equal(v.codewords[p.id], views[i]!.ownCodeword, `${p.name}'s Codeword`);
      });
      assert.match(views[0]!.securityCode!, /^(\d{4} ){7}\d{4}$/);
    },
  );

  test(
    'E2EE-ADMIT, E2EE-FRAME: a listener the server lets into the media room without admission receives the encrypted media and decodes none of it',
    { skip },
    async () => {
      assert.equal(people.length, 3, 'needs the meeting of the previous test');
      const eve = await browser.newParticipant('Eve');
      // Eve's signaling socket never delivers her admission: she is in the Janus room, but keyless.
      await withholdAdmission(eve.page);
      const eveId = await joinAsGuest(eve.page, meeting.joinUrl, 'Eve');
      const watching: InMeeting = { name: 'Eve', page: eve.page, id: eveId };
      // Her streams arrive (bytes flow, each sender's watched over the same 2 s) …
      const received = await Promise.all(
        people.map((sender) => growthOver(eve.page, sender.id, 'camera', 'bytesReceived', 2000)),
      );
      people.forEach((sender, i) =>
        assert.ok(received[i]! > 5_000, `Eve receives ${received[i]} bytes of ${sender.name}'s camera`),
      );
      // … but not one frame decodes, and the group never let her in.
      const stats = await roomMediaStats(watching.page);
      const decoded = stats.filter((s) => s.kind === 'video').map((s) => s.framesDecoded);
      assert.deepEqual(
        decoded.filter((n) => n > 0),
        [],
        `Eve decoded frames: ${JSON.stringify(stats)}`,
      );
      assert.notEqual((await e2eeOf(eve.page))?.status, 'member');
      for (const p of people) assert.equal((await e2eeOf(p.page))?.codewords[eveId], undefined);
      await eve.context.close();
    },
  );

  test(
    'E2EE-FRAME: what the media server forwards is not the media: a receiver that skips decryption sees nothing like any camera',
    { skip },
    async () => {
      assert.equal(people.length, 3, 'needs the meeting of the first test');
      const mallory = await browser.newParticipant('Mallory');
      // Her page ignores every receiver transform, so her decoder gets exactly what Janus forwards.
      await mallory.context.addInitScript(() => {
        Object.defineProperty(RTCRtpReceiver.prototype, 'transform', { set() {}, get: () => null });
      });
      const id = await joinAsGuest(mallory.page, meeting.joinUrl, 'Mallory');
      const her: InMeeting = { name: 'Mallory', page: mallory.page, id };
      await sleep(3000);
      const pictures = await picturesOf(her, people);
      for (const p of pictures) {
        assert.ok(
          p.r < MISMATCH_THRESHOLD,
          `Mallory's picture of ${p.sender} resembles it: r=${p.r.toFixed(2)}`,
        );
      }
      await mallory.context.close();
    },
  );

  test(
    'E2EE-FRAME: a browser whose sender goes around its encrypting transform stops sending within seconds',
    { skip },
    async () => {
      const [ada] = people;
      assert.ok(ada, 'needs the meeting of the first test');
      const zed = await browser.newParticipant('Zed');
      // Zed's browser keeps the transform it is given but never applies it: its frames would go in clear.
      await zed.context.addInitScript(() => {
        const kept = new WeakMap<RTCRtpSender, unknown>();
        Object.defineProperty(RTCRtpSender.prototype, 'transform', {
          get(this: RTCRtpSender) {
            return kept.get(this) ?? null;
          },
          set(this: RTCRtpSender, value: unknown) {
            kept.set(this, value);
          },
        });
      });
      const zedId = await joinAsGuest(zed.page, meeting.joinUrl, 'Zed');
      const arrived = await growthOver(ada.page, zedId, 'camera', 'bytesReceived', 1000);
      assert.ok(arrived > 2000, `Zed's camera never arrived (${arrived} bytes): nothing to stop`);
      // The encoder must produce a couple of seconds of frames before the guard judges; then it stops them.
      const deadline = Date.now() + 25_000;
      let bytes = arrived;
      while (bytes >= 500 && Date.now() < deadline)
        bytes = await growthOver(ada.page, zedId, 'camera', 'bytesReceived', 1000);
      assert.ok(bytes < 500, `Zed's camera still arrives: ${bytes} bytes in 1 s`);
      await zed.context.close();
      await waitForOneGroup(people);
    },
  );

  test(
    'E2EE-ROTATE: when one leaves, every remaining client moves to the new epoch and keeps decoding with no gap over 500 ms',
    { skip },
    async (t) => {
      const [ada, bob, cy] = people;
      assert.ok(ada && bob && cy, 'needs the meeting of the first test');
      const before = await waitForOneGroup(people);
      const watch = Promise.all([
        longestFreeze(ada.page, [bob.id], 6000),
        longestFreeze(bob.page, [ada.id], 6000),
      ]);
      await sleep(1000);
      await leaveMeeting(cy.page);
      const after = await waitForOneGroup([ada, bob], 10_000);
      const freezes = await watch;
      t.diagnostic(`epoch ${before[0]!.epoch} → ${after[0]!.epoch}; longest freeze ${freezes.join(', ')} ms`);
      assert.ok(after[0]!.epoch! > before[0]!.epoch!, 'a new epoch after the leave');
      assert.notEqual(after[0]!.securityCode, before[0]!.securityCode);
      for (const f of freezes) assert.ok(f <= 500, `a remote camera froze for ${f} ms`);
      await assertReceivesAll(ada, [bob]);
      await assertReceivesAll(bob, [ada]);
    },
  );
  test(
    'E2EE-ROTATE: a removed member the server keeps connected to the media, holding every key it had, decodes nothing once the others have moved on',
    { skip },
    async () => {
      const [ada, bob] = people;
      assert.ok(ada && bob, 'needs the meeting of the first test');
      const stayers = [ada, bob];
      // Dora takes part as anyone would; every epoch key her page gets is recorded.
      const dora = await browser.newParticipant('Dora');
      await captureEpochKeys(dora.page);
      const doraId = await joinAsGuest(dora.page, meeting.joinUrl, 'Dora');
      await waitForOneGroup([...stayers, { name: 'Dora', page: dora.page, id: doraId }]);
      // Rex is what the server keeps of her: in the media room (no admission of his own) with her keys.
      const rex = await browser.newParticipant('Rex');
      await withholdAdmission(rex.page);
      await exposeMediaWorker(rex.page);
      const rexId = await joinAsGuest(rex.page, meeting.joinUrl, 'Rex');
      const keys = await capturedKeys(dora.page);
      const last = keys.at(-1);
      assert.ok(last, 'Dora got keys');
      // Her last key is also tried as the key of the next epochs, should they reuse it.
      const guesses = [1, 2, 3].map((n) => ({ ...last, epoch: String(BigInt(last.epoch) + BigInt(n)) }));
      await giveKeys(rex.page, [...keys, ...guesses]);
      // With them he decodes what the others send, while Dora is in the group…
      const decoded = await Promise.all(
        stayers.map((sender) => growthOver(rex.page, sender.id, 'camera', 'framesDecoded', 2000)),
      );
      stayers.forEach((sender, i) =>
        assert.ok(
          decoded[i]! > 0,
          `with Dora's keys Rex decodes ${sender.name}'s camera (${decoded[i]} frames)`,
        ),
      );
      // …and nothing once she has been removed and the others send under the next epoch.
      const removedAt = (await e2eeOf(ada.page))!.epoch!;
      await leaveMeeting(dora.page);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const views = await Promise.all(stayers.map((p) => e2eeOf(p.page)));
        if (views.every((v) => (v?.sendingEpoch ?? -1) > removedAt)) break;
        assert.ok(
          Date.now() < deadline,
          `the others never all sent under a new epoch: ${JSON.stringify(views)}`,
        );
        await sleep(100);
      }
      // Frames already on their way when the senders switched may still arrive.
      await sleep(500);
      const afterRemoval = await Promise.all(
        stayers.map((sender) => growthOver(rex.page, sender.id, 'camera', 'framesDecoded', 3000)),
      );
      stayers.forEach((sender, i) =>
        assert.equal(afterRemoval[i], 0, `after the removal Rex still decodes ${sender.name}'s camera`),
      );
      assert.equal((await e2eeOf(ada.page))?.codewords[rexId], undefined);
      await rex.context.close();
      await dora.context.close();
    },
  );
});
