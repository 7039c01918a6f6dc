// Participants see and hear each other through the real server and Janus: two, then four, then
// people leave. One server, one Chromium and one meeting for the whole file; the tests build on
// each other in order (node:test runs them sequentially).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import {
  ADMIN,
  completeSetup,
  createMeeting,
  joinAsGuest,
  joinSignedIn,
  leaveMeeting,
  signIn,
  tileOf,
} from './support/app';
import { TestBrowser, type Participant } from './support/browser';
import { assertReceives, assertShowsPictureOf, waitForRoster, type InMeeting } from './support/checks';
import { mediaSkipReason } from './support/sandbox';
import { TestServer } from './support/server';

describe('meeting media', { skip: mediaSkipReason() }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let meeting: MeetingView;
  const people: InMeeting[] = [];
  const contexts: Participant[] = [];

  before(async () => {
    server = await TestServer.start();
    browser = await TestBrowser.launch();
    await completeSetup(server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function guest(name: string): Promise<InMeeting> {
    const p = await browser.newParticipant(name);
    contexts.push(p);
    const id = await joinAsGuest(p.page, meeting.joinUrl, name);
    const person = { name, page: p.page, id };
    people.push(person);
    return person;
  }

  test('MEET-CREATE, IAM-GUEST: two participants (owner and guest) each decode the other', async () => {
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
    await assertShowsPictureOf(ada, bob, [ada]);
    await assertShowsPictureOf(bob, ada, [bob]);
  });

  test('four participants each decode all three others, and each picture is the right sender’s', async () => {
    assert.equal(people.length, 2, 'needs the two participants of the previous test');
    await guest('Cleo');
    await guest('Dev');
    const ids = people.map((p) => p.id);
    for (const p of people) await waitForRoster(p.page, ids);

    const pairs = people.flatMap((receiver) =>
      people.filter((sender) => sender !== receiver).map((sender) => ({ receiver, sender })),
    );
    await Promise.all(pairs.map(({ receiver, sender }) => assertReceives(receiver, sender)));
    // The cross-check: each remote picture matches its sender and none of the other three cameras.
    for (const { receiver, sender } of pairs) {
      await assertShowsPictureOf(
        receiver,
        sender,
        people.filter((p) => p !== sender),
      );
    }
  });

  test('leaving removes the participant’s tile for everyone, and the rest keep decoding', async () => {
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
  });
});
