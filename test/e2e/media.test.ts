// Participants see and hear each other through the real server and Janus: two, then four, then
// people leave. One server, one Chromium and one meeting for the whole file; the tests build on
// each other in order (node:test runs them sequentially).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { ADMIN, createMeeting, joinAsGuest, joinSignedIn, leaveMeeting, signIn, tileOf } from './support/app';
import type { TestBrowser } from './support/browser';
import { type Participant } from './support/browser';
import {
  assertReceives,
  assertReceivesAll,
  assertPicturesMatch,
  waitForRoster,
  type InMeeting,
} from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('meeting media', () => {
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

  async function guest(name: string): Promise<InMeeting> {
    const p = await browser.newParticipant(name);
    contexts.push(p);
    const id = await joinAsGuest(p.page, meeting.joinUrl, name);
    const person = { name, page: p.page, id };
    people.push(person);
    return person;
  }

  test(
    'MEET-CREATE, IAM-GUEST: two participants (owner and guest) each decode the other',
    { skip },
    async () => {
      const hostCtx = await browser.newParticipant('Ada');
      contexts.push(hostCtx);
      await signIn(hostCtx.context, server, ADMIN);
      meeting = await createMeeting(hostCtx.context, server, 'Media check');
      assert.match(meeting.joinUrl, new RegExp(`^${server.url}/m/`));
      const ada: InMeeting = {
        name: 'Ada',
        page: hostCtx.page,
        id: await joinSignedIn(hostCtx.page, meeting.joinUrl),
      };
      people.push(ada);
      const bob = await guest('Bob');

      await waitForRoster(ada.page, [ada.id, bob.id]);
      await waitForRoster(bob.page, [ada.id, bob.id]);
      assert.equal(await tileOf(ada.page, bob.id).getAttribute('aria-label'), 'Bob');
      assert.equal(await tileOf(bob.page, ada.id).getAttribute('aria-label'), ADMIN.displayName);

      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
      await assertPicturesMatch([ada, bob]);
    },
  );

  test(
    'four participants each decode all three others, and each picture is the right sender’s',
    { skip },
    async (t) => {
      assert.equal(people.length, 2, 'needs the two participants of the previous test');
      const started = Date.now();
      const lap = (what: string) => t.diagnostic(`${what} after ${Date.now() - started} ms`);
      await guest('Cleo');
      await guest('Dev');
      lap('Cleo and Dev joined');
      const ids = people.map((p) => p.id);
      for (const p of people) await waitForRoster(p.page, ids);
      lap('all rosters complete');

      await Promise.all(
        people.map((r) =>
          assertReceivesAll(
            r,
            people.filter((s) => s !== r),
          ),
        ),
      );
      lap('every participant decodes every other');
      // The cross-check: each remote picture matches its sender and none of the other three cameras.
      const checks = await assertPicturesMatch(people);
      lap('pictures checked');
      const worst = (f: (c: (typeof checks)[number]) => number) => Math.min(...checks.map(f));
      t.diagnostic(
        `lowest match r=${worst((c) => c.r[c.sender]!).toFixed(2)}, highest mismatch r=${(-worst(
          (c) =>
            -Math.max(
              ...Object.entries(c.r)
                .filter(([n]) => n !== c.sender)
                .map(([, r]) => r),
            ),
        )).toFixed(2)}`,
      );
    },
  );

  test(
    'leaving removes the participant’s tile for everyone, and the rest keep decoding',
    { skip },
    async () => {
      assert.equal(people.length, 4, 'needs the four participants of the previous test');
      const dev = people.pop()!;
      await leaveMeeting(dev.page);
      const remaining = people.map((p) => p.id);
      for (const p of people) {
        await waitForRoster(p.page, remaining);
        assert.equal(await tileOf(p.page, dev.id).count(), 0, `${p.name} still shows Dev's tile`);
      }

      // Closing the tab without "Leave meeting" also ends the participation (socket closes).
      const cleo = people.pop()!;
      const cleoCtx = contexts.find((c) => c.page === cleo.page)!;
      await cleoCtx.context.close();
      const two = people.map((p) => p.id);
      for (const p of people) await waitForRoster(p.page, two, 30_000);

      const [ada, bob] = people as [InMeeting, InMeeting];
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
    },
  );
});
