// CHAT-DIRECT and CHAT-TOGGLE through the web app: two people of one organisation, each in a browser
// context of their own (Bob with two pages), start conversations from the directory, write, read,
// edit and delete; what each sees arrives live over the notification socket. A Superuser then turns
// chat off on the administration's Settings page. Real server and Chromium; no media needed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatMessageView, ConversationListView, ConversationView } from '@conclave/protocol';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { createAccount, csrfToken, signIn, type Account } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';

const BOB: Account = {
  organisationName: '',
  email: 'bob@example.test',
  password: 'Bob long password 1',
  displayName: 'Bob Builder',
};
const CLEO: Account = {
  organisationName: '',
  email: 'cleo@example.test',
  password: 'Cleo long password 1',
  displayName: 'Cleo Clerk',
};

/** The header's unread badge (its number; the link's name says it to screen readers). */
const badge = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByTestId('chat-unread');
const chatLink = (page: Page) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Chat/ });
const conversationLink = (page: Page, title: string) =>
  page.getByTestId('chat-conversation').filter({ hasText: title });
const log = (page: Page, title: string) => page.getByRole('log', { name: `Messages with ${title}` });
const messageItem = (page: Page, title: string, text: string) =>
  log(page, title).getByTestId('chat-message').filter({ hasText: text });

describe('CHAT-DIRECT: chat in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: Participant;
  let bob: Participant;
  let cleo: Participant;
  let adaAndBob: string;

  /** Starts a conversation through the page: the people picked from the directory, a name for a group. */
  async function startConversation(page: Page, people: string[], groupName?: string): Promise<string> {
    await page.goto(`${server.url}/chat`);
    await page.getByRole('button', { name: 'New conversation' }).click();
    for (const person of people) {
      await page.getByLabel('Find people').fill(person.split(' ')[0]!);
      await page.getByRole('button', { name: `Add ${person}` }).click();
    }
    if (groupName) await page.getByLabel('Group name').fill(groupName);
    await page.getByRole('button', { name: groupName ? 'Start group' : 'Start conversation' }).click();
    await page.waitForURL(/\/chat\/[\w-]+$/, { timeout: 10_000 });
    await page.getByRole('heading', { level: 2, name: groupName ?? people[0] }).waitFor({ timeout: 10_000 });
    return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  }

  /** Types into the open conversation's composer and sends with Enter. */
  async function send(page: Page, title: string, text: string): Promise<void> {
    const composer = page.getByLabel(`Message ${title}`);
    await composer.fill(text);
    await composer.press('Enter');
    await messageItem(page, title, text).waitFor({ timeout: 10_000 });
    // The message can arrive over the notification socket before the POST's answer empties the composer.
    await until(async () => (await composer.inputValue()) === '', 'the composer empties once sent');
  }

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
    ada = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(ada.context, server);
    await createAccount(ada.context, server, BOB);
    await createAccount(ada.context, server, CLEO, 'superuser');
    bob = await browser.newParticipant('Bob', { distinctCamera: false });
    await signIn(bob.context, server, BOB);
    cleo = await browser.newParticipant('Cleo', { distinctCamera: false });
    await signIn(cleo.context, server, CLEO);
  });
  after(() => stopEnvironment({ server, browser }));

  test('CHAT-DIRECT: a message typed in one browser arrives as an unread badge on every page of the recipient; opening the conversation reads it on all of them; then messages appear live in the open conversation', async () => {
    adaAndBob = await startConversation(ada.page, [BOB.displayName]);
    await bob.page.goto(`${server.url}/directory`);
    const elsewhere = await bob.context.newPage();
    await elsewhere.goto(`${server.url}/directory`);
    for (const page of [bob.page, elsewhere]) {
      await chatLink(page).waitFor();
      assert.equal(await badge(page).count(), 0, 'nothing unread yet');
    }
    // The notification sockets open just after the pages show.
    await sleep(1000);

    await send(ada.page, BOB.displayName, 'Lunch at one?');
    for (const page of [bob.page, elsewhere]) {
      await badge(page).filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
      await chatLink(page)
        .and(page.getByRole('link', { name: 'Chat, 1 unread', exact: true }))
        .waitFor();
    }

    // Bob opens it on one page: it is read there, and the other page's badge goes too (a read reaches
    // every client of the reader).
    await bob.page.goto(`${server.url}/chat/${adaAndBob}`);
    const arrived = messageItem(bob.page, 'Ada Admin', 'Lunch at one?');
    await arrived.waitFor({ timeout: 10_000 });
    assert.match(await arrived.innerText(), /Ada Admin/);
    await until(async () => (await listOf(bob.context, server)).conversations[0]?.unread === 0, 'read');
    await badge(elsewhere).waitFor({ state: 'detached', timeout: 10_000 });
    await elsewhere.goto(`${server.url}/chat`);
    await conversationLink(elsewhere, 'Ada Admin').waitFor({ timeout: 10_000 });
    assert.equal(await elsewhere.getByTestId('chat-conversation-unread').count(), 0);

    // With the conversation open and in view, what arrives shows at once and counts as read.
    await send(ada.page, BOB.displayName, 'Or half past?');
    await messageItem(bob.page, 'Ada Admin', 'Or half past?').waitFor({ timeout: 10_000 });
    await until(async () => (await listOf(bob.context, server)).conversations[0]?.unread === 0, 'read again');
    assert.equal(await badge(bob.page).count(), 0);

    // Shift+Enter starts a new line; Enter sends both lines as one message.
    const composer = bob.page.getByLabel('Message Ada Admin');
    await composer.pressSequentially('Yes,');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('see you there');
    await composer.press('Enter');
    const reply = messageItem(ada.page, BOB.displayName, 'see you there');
    await reply.waitFor({ timeout: 10_000 });
    assert.equal(await reply.locator('.chat-body').innerText(), 'Yes,\nsee you there');
    await elsewhere.close();
  });

  test('CHAT-DIRECT: unread counts per conversation and in the header go up live with others’ messages, the latest conversation first, and go when each is opened', async () => {
    const group = await startConversation(ada.page, [BOB.displayName, CLEO.displayName], 'Launch team');
    await bob.page.goto(`${server.url}/chat`);
    await conversationLink(bob.page, 'Ada Admin').waitFor({ timeout: 10_000 });
    await sleep(1000);

    await send(ada.page, 'Launch team', 'Kick-off on Monday');
    await send(ada.page, 'Launch team', 'Agenda to follow');
    const cleoAndBob = await post<ConversationView>(cleo.context, '/api/chat/conversations', {
      kind: 'direct',
      userId: await idOf(bob.context),
    });
    await post<ChatMessageView>(cleo.context, `/api/chat/conversations/${cleoAndBob.id}/messages`, {
      body: 'Got a minute?',
    });

    const groupLink = conversationLink(bob.page, 'Launch team');
    const cleoLink = conversationLink(bob.page, CLEO.displayName);
    await groupLink
      .getByTestId('chat-conversation-unread')
      .filter({ hasText: '2' })
      .waitFor({ timeout: 10_000 });
    await cleoLink
      .getByTestId('chat-conversation-unread')
      .filter({ hasText: '1' })
      .waitFor({ timeout: 10_000 });
    await badge(bob.page).filter({ hasText: '3' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(
      await bob.page
        .getByTestId('chat-conversation')
        .evaluateAll((links) => links.map((l) => l.getAttribute('data-conversation-id'))),
      [cleoAndBob.id, group, adaAndBob],
      'the most recently active first',
    );
    await bob.page.getByRole('link', { name: /^Cleo Clerk.*, 1 unread$/ }).waitFor();

    await groupLink.click();
    await messageItem(bob.page, 'Launch team', 'Agenda to follow').waitFor({ timeout: 10_000 });
    await groupLink.getByTestId('chat-conversation-unread').waitFor({ state: 'detached', timeout: 10_000 });
    await badge(bob.page).filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
    await cleoLink.click();
    await messageItem(bob.page, CLEO.displayName, 'Got a minute?').waitFor({ timeout: 10_000 });
    await badge(bob.page).waitFor({ state: 'detached', timeout: 10_000 });
    await bob.page.goto(`${server.url}/chat`);
    await cleoLink.waitFor({ timeout: 10_000 });
    assert.equal(await bob.page.getByTestId('chat-conversation-unread').count(), 0, 'read on the server too');
    assert.equal(await badge(bob.page).count(), 0);
  });

  test('CHAT-DIRECT: history shows the newest messages and loads older ones on demand; one’s own messages are edited and deleted, live at the other side', async () => {
    const cleoAndBob = (await listOf(cleo.context, server)).conversations.find((c) => c.kind === 'direct')!;
    for (let i = 1; i <= 55; i++) {
      await post(cleo.context, `/api/chat/conversations/${cleoAndBob.id}/messages`, { body: `Note ${i}.` });
    }
    await bob.page.goto(`${server.url}/chat/${cleoAndBob.id}`);
    await messageItem(bob.page, CLEO.displayName, 'Note 55.').waitFor({ timeout: 10_000 });
    assert.equal(await messageItem(bob.page, CLEO.displayName, 'Note 5.').count(), 0, 'older than a page');
    await bob.page.getByRole('button', { name: 'Load older messages' }).click();
    await messageItem(bob.page, CLEO.displayName, 'Note 5.').waitFor({ timeout: 10_000 });
    await bob.page.getByRole('button', { name: 'Load older messages' }).waitFor({ state: 'detached' });
    assert.equal(await messageItem(bob.page, CLEO.displayName, 'Got a minute?').count(), 1, 'the very first');

    await ada.page.goto(`${server.url}/chat/${adaAndBob}`);
    await messageItem(ada.page, BOB.displayName, 'see you there').waitFor({ timeout: 10_000 });
    await bob.page.goto(`${server.url}/chat/${adaAndBob}`);
    await send(bob.page, 'Ada Admin', 'Se you at noon');
    await send(bob.page, 'Ada Admin', 'Wrong window, sorry');
    await messageItem(ada.page, BOB.displayName, 'Wrong window, sorry').waitFor({ timeout: 10_000 });
    assert.equal(
      await messageItem(bob.page, 'Ada Admin', 'Lunch at one?').getByRole('button', { name: 'Edit' }).count(),
      0,
      'only one’s own messages can be edited',
    );

    // By id: while edited, its words are in a text field, not in its text.
    const typo = await byId(bob.page, messageItem(bob.page, 'Ada Admin', 'Se you at noon'));
    await typo.getByRole('button', { name: 'Edit' }).click();
    await typo.getByLabel('Edit message').fill('See you at noon');
    await typo.getByLabel('Edit message').press('Enter');
    const fixed = messageItem(ada.page, BOB.displayName, 'See you at noon');
    await fixed.getByText('(edited)').waitFor({ timeout: 10_000 });
    assert.equal(await messageItem(ada.page, BOB.displayName, 'Se you at noon').count(), 0);

    const wrong = await byId(bob.page, messageItem(bob.page, 'Ada Admin', 'Wrong window, sorry'));
    await wrong.getByRole('button', { name: 'Delete' }).click();
    await wrong.getByRole('button', { name: 'Delete message' }).click();
    await messageItem(ada.page, BOB.displayName, 'This message was deleted.').waitFor({ timeout: 10_000 });
    assert.equal(await messageItem(ada.page, BOB.displayName, 'Wrong window, sorry').count(), 0);
    await messageItem(bob.page, 'Ada Admin', 'This message was deleted.').waitFor();
  });

  test('CHAT-TOGGLE: with chat turned off by a Superuser, the chat page says so and cannot send; the API refuses with chat_disabled; history stays readable', async () => {
    await cleo.page.goto(`${server.url}/admin/settings`);
    const features = cleo.page.getByRole('region', { name: 'Features' });
    await features.getByRole('checkbox', { name: 'Chat' }).uncheck();
    await features.getByRole('button', { name: 'Save features' }).click();
    await features.getByText('Saved.').waitFor({ timeout: 10_000 });

    // Bob's page was open before: his next message is refused, and the page says why.
    const composer = bob.page.getByLabel('Message Ada Admin');
    await composer.fill('Are you still there?');
    await composer.press('Enter');
    const notice = 'Chat is turned off for your organisation.';
    await bob.page.getByText(notice).waitFor({ timeout: 10_000 });
    assert.equal(await composer.isDisabled(), true);
    assert.equal(await messageItem(bob.page, 'Ada Admin', 'Are you still there?').count(), 0);

    // Ada opens chat afresh: told at once, nothing to send with, the history still there.
    await ada.page.goto(`${server.url}/chat/${adaAndBob}`);
    await ada.page.getByText(notice).waitFor({ timeout: 10_000 });
    await messageItem(ada.page, BOB.displayName, 'See you at noon').waitFor({ timeout: 10_000 });
    assert.equal(await ada.page.getByLabel(`Message ${BOB.displayName}`).isDisabled(), true);
    assert.equal(await ada.page.getByRole('button', { name: 'Send' }).isDisabled(), true);
    assert.equal(await ada.page.getByRole('button', { name: 'New conversation' }).isDisabled(), true);

    const refused = await ada.context.request.post(
      `${server.url}/api/chat/conversations/${adaAndBob}/messages`,
      {
        data: { body: 'Through the API, then' },
        headers: { 'x-conclave-csrf': await csrfToken(ada.context, server) },
      },
    );
    assert.equal(refused.status(), 403);
    assert.equal(((await refused.json()) as { code: string }).code, 'chat_disabled');
  });

  /** A write through the API as the context's person. */
  async function post<T = unknown>(context: BrowserContext, path: string, data: unknown): Promise<T> {
    const res = await context.request.post(`${server.url}${path}`, {
      data,
      headers: { 'x-conclave-csrf': await csrfToken(context, server) },
    });
    if (!res.ok()) throw new Error(`POST ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function idOf(context: BrowserContext): Promise<string> {
    const res = await context.request.get(`${server.url}/api/auth/session`);
    return ((await res.json()) as { user: { id: string } }).user.id;
  }
});

async function listOf(context: BrowserContext, server: TestServer): Promise<ConversationListView> {
  const res = await context.request.get(`${server.url}/api/chat/conversations`);
  return (await res.json()) as ConversationListView;
}

/** The message item `item` finds, found by its id from now on. */
async function byId(page: Page, item: Locator): Promise<Locator> {
  const id = await item.getAttribute('data-message-id');
  assert.ok(id);
  return page.locator(`[data-testid="chat-message"][data-message-id="${id}"]`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
