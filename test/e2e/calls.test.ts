// MEET-CALL and MEET-ADD through the web app: a call from the directory rings every open client of
// the callee (two browser contexts signed in as the same person); accepting on one stops the other and
// both meet, each decoding the other's media; declining, cancelling and not answering each show what
// happened; a moderator rings someone into a running meeting from the Participants panel. Real server,
// Janus and Chromium in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertReceives } from './support/checks';
import {
  createAccount,
  createMeeting,
  joinSignedIn,
  leaveMeeting,
  signIn,
  waitInMeeting,
  type Account,
} from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

/** Short, so that "no answer" is quick to reach; long enough for a slow browser to answer. */
const RING_SECONDS = 10;

const BOB: Account = {
  organisationName: '',
  email: 'bob@example.test',
  password: 'Bob long password 1',
  displayName: 'Bob Builder',
};

describe('MEET-CALL: calling people in the web app', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: Participant;
  /** Bob on two clients at once. */
  let bobLaptop: Participant;
  let bobPhone: Participant;

  const ringing = (page: Page, name = 'Ada Admin is calling') => page.getByRole('alertdialog', { name });
  /** Ada calls Bob from the directory. */
  async function adaCallsBob(): Promise<void> {
    await ada.page.goto(`${server.url}/directory`);
    await ada.page.getByRole('button', { name: `Call ${BOB.displayName}` }).click();
    await ada.page.getByRole('heading', { name: `Calling ${BOB.displayName}…` }).waitFor();
  }
  async function bothRing(): Promise<void> {
    for (const bob of [bobLaptop, bobPhone]) await ringing(bob.page).waitFor({ timeout: 10_000 });
  }
  async function bothStopped(): Promise<void> {
    for (const bob of [bobLaptop, bobPhone]) {
      await ringing(bob.page).waitFor({ state: 'detached', timeout: 10_000 });
    }
  }

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment({
      server: { env: { CONCLAVE_CALL_RING_SECONDS: String(RING_SECONDS) } },
    }));
    ada = await browser.newParticipant('Ada');
    await signIn(ada.context, server);
    await createAccount(ada.context, server, BOB);
    bobLaptop = await browser.newParticipant('Bob laptop');
    bobPhone = await browser.newParticipant('Bob phone');
    for (const bob of [bobLaptop, bobPhone]) {
      await signIn(bob.context, server, BOB);
      await bob.page.goto(server.url);
      await bob.page.getByRole('heading', { name: 'Meetings', exact: true }).waitFor();
    }
    // Their notification sockets open just after the page shows.
    await sleep(1000);
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-CALL: both of the callee’s clients ring; accepting on one stops the other and both meet, each decoding the other',
    { skip },
    async () => {
      await adaCallsBob();
      await bothRing();
      await ringing(bobLaptop.page).getByRole('button', { name: 'Accept' }).click();
      await ringing(bobPhone.page).waitFor({ state: 'detached', timeout: 10_000 });
      const bobId = await waitInMeeting(bobLaptop.page, 30_000);
      const adaId = await waitInMeeting(ada.page, 30_000);
      await assertReceives(
        { name: 'Ada', page: ada.page, id: adaId },
        { name: 'Bob', page: bobLaptop.page, id: bobId },
      );
      await assertReceives(
        { name: 'Bob', page: bobLaptop.page, id: bobId },
        { name: 'Ada', page: ada.page, id: adaId },
      );
      assert.equal(
        new URL(ada.page.url()).pathname,
        new URL(bobLaptop.page.url()).pathname,
        'the same meeting',
      );
      assert.equal(await bobPhone.page.getByRole('alertdialog').count(), 0, 'the phone stopped ringing');
      await leaveMeeting(bobLaptop.page);
      await leaveMeeting(ada.page);
    },
  );

  test(
    'MEET-CALL: a declined call tells the caller, and every client of the callee stops ringing',
    { skip },
    async () => {
      await adaCallsBob();
      await bothRing();
      await ringing(bobPhone.page).getByRole('button', { name: 'Decline' }).click();
      await ada.page.getByText(`${BOB.displayName} declined the call`).waitFor({ timeout: 10_000 });
      await bothStopped();
      await ada.page.getByRole('button', { name: 'Close' }).click();
    },
  );

  test('MEET-CALL: the caller cancels, and the callee stops ringing', { skip }, async () => {
    await adaCallsBob();
    await bothRing();
    await ada.page.getByRole('button', { name: 'Cancel call' }).click();
    await bothStopped();
  });

  test(
    'MEET-CALL: a call nobody answers is missed, and the callee’s home page lists it later',
    { skip },
    async () => {
      await adaCallsBob();
      await bothRing();
      await ada.page
        .getByText(`No answer from ${BOB.displayName}`)
        .waitFor({ timeout: (RING_SECONDS + 10) * 1000 });
      await bothStopped();
      await ada.page.getByRole('button', { name: 'Close' }).click();
      await bobLaptop.page.goto(server.url);
      const missed = bobLaptop.page.getByRole('region', { name: 'Missed calls' });
      await missed.waitFor();
      // This one and the one Ada cancelled.
      assert.ok((await missed.getByTestId('missed-calls').getByText('Ada Admin').count()) >= 2);
      await missed.getByLabel(/new$/).waitFor();
      await missed.getByRole('button', { name: 'Mark as seen' }).click();
      await missed.getByLabel(/new$/).waitFor({ state: 'detached' });
    },
  );

  test(
    'MEET-ADD: a moderator rings a person into a running meeting from the Participants panel',
    { skip },
    async () => {
      const meeting = await createMeeting(ada.context, server, 'Weekly sync');
      const adaId = await joinSignedIn(ada.page, meeting.joinUrl);
      await ada.page.getByRole('button', { name: 'Participants' }).click();
      const panel = ada.page.getByRole('complementary', { name: 'Participants' });
      await panel.getByRole('button', { name: 'Add people' }).click();
      await panel.getByLabel('Search people').fill('Bob');
      await panel.getByRole('button', { name: 'Search', exact: true }).click();
      await panel.getByRole('button', { name: `Ring ${BOB.displayName}` }).click();
      const asked = `Ada Admin asks you to join ${meeting.name}`;
      await ringing(bobPhone.page, asked).waitFor({ timeout: 10_000 });
      await ringing(bobLaptop.page, asked).getByRole('button', { name: 'Accept' }).click();
      const bobId = await waitInMeeting(bobLaptop.page, 30_000);
      await panel.getByTestId('participant-list').getByText(BOB.displayName).waitFor({ timeout: 10_000 });
      await assertReceives(
        { name: 'Ada', page: ada.page, id: adaId },
        { name: 'Bob', page: bobLaptop.page, id: bobId },
      );
      await ringing(bobPhone.page, asked).waitFor({ state: 'detached', timeout: 10_000 });
    },
  );
});
