/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CSRF_HEADER } from '@conclave/protocol';
import { ChatClient } from '../src/chat/chat-client';
import type { ChatEvents } from '../src/chat/chat-events';
import { ConclaveError } from '../src/errors';
import { BASE_URL, CSRF_TOKEN, FakeChatServer } from './support/fake-chat-server';

const ADA = 'u-ada';
const BOB = 'u-bob';
const CLEO = 'u-cleo';
const PEOPLE = { [ADA]: 'Ada Admin', [BOB]: 'Bob Builder', [CLEO]: 'Cleo Clerk' };

/** Ada's client against a fake server, and every event it emits, in order. */
function adaClient(server = new FakeChatServer(ADA, PEOPLE)) {
  const chat = new ChatClient({ userId: ADA, csrfToken: CSRF_TOKEN, baseUrl: BASE_URL, fetch: server.fetch });
  const events: string[] = [];
  const record = <K extends keyof ChatEvents>(name: K, show: (...args: ChatEvents[K]) => string) =>
    chat.on(name, (...args) => events.push(`${name} ${show(...args)}`));
  record('unreadChanged', (total) => String(total));
  record('message', (m) => m.body ?? '');
  record('messageEdited', (m) => m.body ?? '');
  record('messageDeleted', (m) => m.id);
  record('enabledChanged', (enabled) => String(enabled));
  return { chat, server, events };
}

const bodies = (chat: ChatClient, id: string) => chat.history(id).messages.map((m) => m.body);
const unreadOf = (chat: ChatClient, id: string) => chat.conversations.find((c) => c.id === id)?.unread;

describe('CHAT-DIRECT: the SDK’s chat client', () => {
  test('CHAT-DIRECT: the list comes most recently active first, with unread counts and their total', async () => {
    const { chat, server } = adaClient();
    const withBob = server.as(BOB).start([ADA]);
    const withCleo = server.as(CLEO).start([ADA]);
    server.as(CLEO).send(withCleo, 'Hello from Cleo');
    server.as(BOB).send(withBob, 'One');
    server.as(BOB).send(withBob, 'Two');
    await chat.refresh();
    assert.deepEqual(
      chat.conversations.map((c) => [c.id, c.unread]),
      [
        [withBob, 2],
        [withCleo, 1],
      ],
    );
    assert.equal(chat.unreadTotal, 3);
    assert.equal(chat.enabled, true);
  });

  test('CHAT-DIRECT: others’ live messages raise the unread count and move their conversation up; one’s own do not; reading brings it down', async () => {
    const { chat, server, events } = adaClient();
    const withBob = server.as(BOB).start([ADA]);
    const withCleo = server.as(CLEO).start([ADA]);
    server.as(BOB).send(withBob, 'Earlier');
    server.as(CLEO).send(withCleo, 'Later');
    await chat.refresh();
    assert.deepEqual(
      chat.conversations.map((c) => c.id),
      [withCleo, withBob],
    );
    events.length = 0;

    chat.receive(server.as(BOB).send(withBob, 'Are you there?'));
    assert.deepEqual(
      chat.conversations.map((c) => c.id),
      [withBob, withCleo],
      'the conversation with news comes first',
    );
    assert.equal(unreadOf(chat, withBob), 2);
    assert.equal(chat.unreadTotal, 3);
    await chat.send(withCleo, 'Yes, Cleo');
    assert.equal(unreadOf(chat, withCleo), 0, 'what one writes one has read');
    assert.equal(chat.unreadTotal, 2);
    chat.receive(server.as(ADA).send(withBob, 'Typed on my phone'));
    assert.equal(unreadOf(chat, withBob), 2, 'one’s own words from another client are not unread');

    await chat.loadOlder(withBob);
    await chat.markRead(withBob);
    assert.equal(unreadOf(chat, withBob), 0);
    assert.equal(chat.unreadTotal, 0);
    assert.equal(server.unread(ADA, withBob), 0, 'the server was told');
    assert.deepEqual(events, [
      'unreadChanged 3',
      'message Are you there?',
      'unreadChanged 2',
      'message Typed on my phone',
      'unreadChanged 0',
    ]);
  });

  test('CHAT-DIRECT: a message in a conversation someone just started brings that conversation in, counted once', async () => {
    const { chat, server } = adaClient();
    await chat.refresh();
    const withBob = server.as(BOB).start([ADA]);
    chat.receive(server.as(BOB).send(withBob, 'New here'));
    await waitFor(() => chat.conversations.length === 1);
    assert.equal(chat.conversations[0]?.id, withBob);
    assert.equal(chat.unreadTotal, 1);
  });

  test('CHAT-DIRECT: history is read newest page first, then older pages, without gaps or doubles', async () => {
    const { chat, server } = adaClient();
    server.pageSize = 5;
    const withBob = server.as(BOB).start([ADA]);
    for (let i = 1; i <= 12; i++) server.as(BOB).send(withBob, `m${i}`);
    await chat.refresh();
    assert.equal(chat.history(withBob).loaded, false);

    const first = chat.loadOlder(withBob);
    assert.equal(chat.loadOlder(withBob), first, 'asking twice reads once');
    await first;
    assert.deepEqual(bodies(chat, withBob), ['m8', 'm9', 'm10', 'm11', 'm12']);
    assert.equal(chat.history(withBob).more, true);
    await chat.loadOlder(withBob);
    await chat.loadOlder(withBob);
    assert.deepEqual(
      bodies(chat, withBob),
      Array.from({ length: 12 }, (_, i) => `m${i + 1}`),
    );
    assert.equal(chat.history(withBob).more, false);
    const requests = server.requests.length;
    await chat.loadOlder(withBob);
    assert.equal(server.requests.length, requests, 'nothing older to ask for');

    const mine = await chat.send(withBob, 'm13');
    chat.receive({ type: 'chatMessage', message: mine });
    chat.receive(server.as(BOB).send(withBob, 'm14'));
    assert.deepEqual(
      bodies(chat, withBob).slice(-3),
      ['m12', 'm13', 'm14'],
      'live ones added once, in order',
    );
  });

  test('CHAT-DIRECT: edited and deleted messages replace the old ones, live and one’s own; a deleted unread one is no longer counted', async () => {
    const { chat, server, events } = adaClient();
    const withBob = server.as(BOB).start([ADA]);
    const hello = server.as(BOB).send(withBob, 'Helo');
    await chat.refresh();
    await chat.loadOlder(withBob);
    const mine = await chat.send(withBob, 'Hi Bob, lunch?');
    const oops = server.as(BOB).send(withBob, 'Oops, wrong chat');
    chat.receive(oops);
    assert.equal(unreadOf(chat, withBob), 1);
    events.length = 0;

    if (hello.type !== 'chatMessage' || oops.type !== 'chatMessage') throw new Error('not chat');
    chat.receive(server.as(BOB).edit(hello.message.id, 'Hello'));
    const before = chat.history(withBob);
    chat.receive(server.as(BOB).delete(oops.message.id));
    await chat.edit(withBob, mine.id, 'Hi Bob, lunch at one?');
    assert.deepEqual(bodies(chat, withBob), ['Hello', 'Hi Bob, lunch at one?', null]);
    assert.notEqual(chat.history(withBob), before, 'a new snapshot');
    assert.equal(chat.history(withBob).messages[0]?.editedAt !== null, true, 'marked edited');
    await waitFor(() => unreadOf(chat, withBob) === 0);

    await chat.delete(withBob, mine.id);
    assert.deepEqual(bodies(chat, withBob), ['Hello', null, null]);
    assert.deepEqual(events, ['messageEdited Hello', `messageDeleted ${oops.message.id}`, 'unreadChanged 0']);
  });

  test('CHAT-DIRECT: after notifications were lost, refresh fetches what was missed: merged when it meets what was read, else read anew', async () => {
    const { chat, server } = adaClient();
    server.pageSize = 3;
    const withBob = server.as(BOB).start([ADA]);
    for (const body of ['a', 'b', 'c']) server.as(BOB).send(withBob, body);
    await chat.refresh();
    await chat.loadOlder(withBob);
    await chat.markRead(withBob);

    // Lost: never handed to the client.
    server.as(BOB).send(withBob, 'd');
    await chat.refresh();
    assert.deepEqual(bodies(chat, withBob), ['a', 'b', 'c', 'd']);
    assert.equal(unreadOf(chat, withBob), 1);

    for (const body of ['e', 'f', 'g', 'h']) server.as(BOB).send(withBob, body);
    await chat.refresh();
    assert.deepEqual(bodies(chat, withBob), ['f', 'g', 'h'], 'no gap between d and f');
    assert.equal(chat.history(withBob).more, true);
    await chat.loadOlder(withBob);
    assert.deepEqual(bodies(chat, withBob), ['c', 'd', 'e', 'f', 'g', 'h']);
  });

  test('CHAT-DIRECT: refreshes asked for while one is under way are one more read after it, never more in flight at once', async () => {
    const { chat, server } = adaClient();
    const withBob = server.as(BOB).start([ADA]);
    const lists = () => server.requests.filter((r) => r.method === 'GET' && r.url.endsWith('/conversations'));
    const first = chat.refresh();
    // Sent after the first list was asked for: only a later read can know of it.
    server.as(BOB).send(withBob, 'Meanwhile');
    const again = [chat.refresh(), chat.refresh()];
    assert.equal(again[0], again[1]);
    await Promise.all([first, ...again]);
    assert.equal(lists().length, 2);
    assert.equal(unreadOf(chat, withBob), 1);
  });

  test('CHAT-TOGGLE: with chat off, the list says so, history stays readable, and a send is refused with chat_disabled', async () => {
    const { chat, server, events } = adaClient();
    const withBob = server.as(BOB).start([ADA]);
    server.as(BOB).send(withBob, 'Before the switch');
    await chat.refresh();
    events.length = 0;
    server.enabled = false;
    await assert.rejects(chat.send(withBob, 'After it'), (err: unknown) => {
      assert.ok(err instanceof ConclaveError);
      assert.equal(err.code, 'chat_disabled');
      return true;
    });
    assert.equal(chat.enabled, false, 'the refusal tells the client');
    assert.deepEqual(events, ['enabledChanged false']);
    await assert.rejects(chat.startDirect(CLEO), { code: 'chat_disabled' });
    await chat.loadOlder(withBob);
    assert.deepEqual(bodies(chat, withBob), ['Before the switch']);

    server.enabled = true;
    await chat.refresh();
    assert.equal(chat.enabled, true);
  });

  test('CHAT-DIRECT: requests go to the server given, writes carry the CSRF token, failures carry a stable code', async () => {
    const { chat, server } = adaClient();
    const group = await chat.startGroup('Lunch club', [BOB, CLEO]);
    assert.equal(chat.conversations[0]?.id, group.id);
    assert.deepEqual(
      group.members.map((m) => m.name),
      ['Ada Admin', 'Bob Builder', 'Cleo Clerk'],
    );
    const create = server.requests.at(-1)!;
    assert.equal(create.url, `${BASE_URL}/api/chat/conversations`);
    assert.equal(create.headers[CSRF_HEADER], CSRF_TOKEN);
    assert.deepEqual(create.body, { kind: 'group', name: 'Lunch club', memberIds: [BOB, CLEO] });

    await assert.rejects(chat.fetchConversation('c-999999'), { name: 'ConclaveError', code: 'not_found' });
    server.reachable = false;
    await assert.rejects(chat.refresh(), { name: 'ConclaveError', code: 'request_failed' });
  });

  test('CHAT-DIRECT: a conversation someone starts shows at once, before any message; reading on another client brings this one’s count down', async () => {
    const { chat, server, events } = adaClient();
    await chat.refresh();
    events.length = 0;
    const withBob = server.as(BOB).start([ADA], 'Plans');
    const conversation = {
      id: withBob,
      kind: 'group' as const,
      name: 'Plans',
      members: [
        { id: BOB, name: PEOPLE[BOB] },
        { id: ADA, name: PEOPLE[ADA] },
      ],
      unread: 0,
      lastMessageAt: null,
    };
    chat.receive({ type: 'chatConversation', conversation });
    chat.receive({ type: 'chatConversation', conversation });
    assert.deepEqual(
      chat.conversations.map((c) => c.name),
      ['Plans'],
      'listed once',
    );
    chat.receive(server.as(BOB).send(withBob, 'First'));
    chat.receive(server.as(BOB).send(withBob, 'Second'));
    assert.equal(chat.unreadTotal, 2);
    chat.receive({ type: 'chatRead', conversationId: withBob, unread: 0 });
    assert.equal(unreadOf(chat, withBob), 0);
    assert.deepEqual(events, [
      'unreadChanged 1',
      'message First',
      'unreadChanged 2',
      'message Second',
      'unreadChanged 0',
    ]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !condition(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(condition(), 'in time');
}
