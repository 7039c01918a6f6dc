// The meeting's chat panel as people use it (CHAT-MEETING, CHAT-TOGGLE, E2EE-CHAT): typed in one
// browser, read in another, an unread count on the Chat button while the panel is closed, history for
// whoever joins later, and under E2EE nothing readable on the wire. Read from the page as a person
// sees it. One server, one Chromium; the tests run in order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import {
  createMeeting,
  joinAsGuest,
  joinSignedIn,
  leaveMeeting,
  signIn,
  updateSettings,
} from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

const chatButton = (page: Page) => page.getByRole('button', { name: 'Chat', exact: true });
const badge = (page: Page) => page.getByTestId('chat-unread-badge');
const messages = (page: Page) => page.getByTestId('chat-message');
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message everyone' });

async function openChat(page: Page): Promise<void> {
  if ((await chatButton(page).getAttribute('aria-expanded')) !== 'true') await chatButton(page).click();
  await page.getByRole('complementary', { name: 'Chat' }).waitFor();
}

async function say(page: Page, words: string): Promise<void> {
  await openChat(page);
  await composer(page).fill(words);
  await composer(page).press('Enter');
}

/** Waits until the panel shows a message with these words; returns its author as shown. */
async function seen(page: Page, words: string, timeoutMs = 15_000): Promise<string> {
  const line = messages(page).filter({ hasText: words });
  await line.waitFor({ timeout: timeoutMs });
  return ((await line.locator('.chat-author').textContent()) ?? '').trim();
}

/** Every signaling frame of a page's sockets, as sent and received, in full. */
function wireOf(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    if (!new URL(ws.url()).pathname.endsWith('/api/signal')) return;
    ws.on('framesent', (f) => frames.push(f.payload.toString()));
    ws.on('framereceived', (f) => frames.push(f.payload.toString()));
  });
  return frames;
}

describe('the meeting chat in the web app', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;
  let guest: Participant;

  before(async () => {
    ({ server, browser } = await startEnvironment());
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
    guest = await browser.newParticipant('Gina');
  });
  after(() => stopEnvironment({ server, browser }));

  test('CHAT-MEETING: a message typed by the host reaches a guest, counted on the Chat button until read; the reply comes back; a late joiner sees both', async () => {
    const meeting: MeetingView = await createMeeting(owner.context, server, 'Weekly sync');
    await joinSignedIn(owner.page, meeting.joinUrl);
    await joinAsGuest(guest.page, meeting.joinUrl, 'Gina');

    await say(owner.page, 'Welcome, Gina');
    await badge(guest.page).waitFor({ timeout: 15_000 });
    assert.equal((await badge(guest.page).textContent())?.trim(), '1');
    assert.equal(await chatButton(guest.page).getAttribute('title'), 'Chat (1 unread) (Alt+H)');
    assert.equal(
      (await guest.page.getByTestId('meeting-announcer').textContent())?.trim(),
      'New chat message from Ada Admin',
      'a screen reader hears who wrote',
    );
    await openChat(guest.page);
    assert.equal(await seen(guest.page, 'Welcome, Gina'), 'Ada Admin');
    await badge(guest.page).waitFor({ state: 'detached' });

    await say(guest.page, 'Thanks!\nGlad to be here');
    assert.equal(await seen(owner.page, 'Glad to be here'), 'Gina');
    assert.equal(await seen(guest.page, 'Glad to be here'), 'You');
    assert.equal(await badge(owner.page).count(), 0, 'the panel is open: nothing is unread');

    const late = await browser.newParticipant('Lars');
    await joinAsGuest(late.page, meeting.joinUrl, 'Lars');
    await badge(late.page).waitFor({ timeout: 15_000 });
    assert.equal((await badge(late.page).textContent())?.trim(), '2');
    await openChat(late.page);
    await seen(late.page, 'Glad to be here');
    assert.deepEqual(
      (await messages(late.page).locator('.chat-author').allTextContents()).map((t) => t.trim()),
      ['Ada Admin', 'Gina'],
    );
    await late.context.close();
  });

  test('CHAT-TOGGLE: with chat turned off for the organisation the panel says so and nothing is sent; turned on again, it works', async () => {
    await updateSettings(owner.context, server, { chat: { enabled: false } });
    try {
      await say(guest.page, 'Is anyone there?');
      const why = guest.page.getByTestId('chat-blocked');
      await why.waitFor({ timeout: 10_000 });
      assert.equal((await why.textContent())?.trim(), 'Chat is turned off for your organisation.');
      assert.equal(await composer(guest.page).isDisabled(), true);
      await guest.page.waitForTimeout(500);
      assert.equal(await messages(owner.page).filter({ hasText: 'Is anyone there?' }).count(), 0);
    } finally {
      await updateSettings(owner.context, server, { chat: { enabled: true } });
    }
    // The next join hears that chat is on again.
    await leaveMeeting(owner.page);
  });

  test('E2EE-CHAT: in an end-to-end encrypted meeting messages cross sealed (no word of them on the wire), and a late joiner sees only what follows', async () => {
    const meeting = await createMeeting(owner.context, server, 'Board', { e2ee: true });
    const ownerWire = wireOf(owner.page);
    const guestWire = wireOf(guest.page);
    await joinSignedIn(owner.page, meeting.joinUrl);
    await joinAsGuest(guest.page, meeting.joinUrl, 'Gina');
    await openChat(owner.page);
    await openChat(guest.page);
    for (const page of [owner.page, guest.page]) {
      await page.getByTestId('chat-e2ee-note').waitFor();
      // The composer opens once the browser holds the group's keys.
      await page.getByTestId('chat-blocked').waitFor({ state: 'detached', timeout: 30_000 });
    }

    await say(owner.page, 'The offer is 4.2 million');
    assert.equal(await seen(guest.page, 'The offer is 4.2 million'), 'Ada Admin');
    assert.equal(await seen(owner.page, 'The offer is 4.2 million'), 'You');
    await say(guest.page, 'Agreed, quietly');
    assert.equal(await seen(owner.page, 'Agreed, quietly'), 'Gina');

    const wire = [...ownerWire, ...guestWire];
    assert.ok(
      wire.some((f) => f.includes('"sendEncryptedChat"')) && wire.some((f) => f.includes('"encryptedChat"')),
      'chat went over the signaling socket',
    );
    for (const words of ['4.2 million', 'Agreed, quietly', 'The offer']) {
      assert.equal(wire.filter((f) => f.includes(words)).length, 0, `"${words}" never crosses in clear`);
    }

    const late = await browser.newParticipant('Lars');
    await joinAsGuest(late.page, meeting.joinUrl, 'Lars');
    await openChat(late.page);
    await late.page.getByTestId('chat-blocked').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await messages(late.page).count(), 0, 'nothing said before Lars joined');
    await say(owner.page, 'Hello Lars');
    assert.equal(await seen(late.page, 'Hello Lars'), 'Ada Admin');
    assert.equal(await messages(late.page).count(), 1);
    await late.context.close();
  });
});
