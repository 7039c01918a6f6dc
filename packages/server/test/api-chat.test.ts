import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  NOTIFICATIONS_PATH,
  type ChatHistoryView,
  type ChatMessageView,
  type ConversationListView,
  type ConversationView,
  type SessionView,
} from '@conclave/protocol';
import {
  addOrganisation,
  addUser,
  PUBLIC_URL,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { Listener } from './support/notifications';

describeEachDatabase('chat API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let url: string;
  let ada: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let olga: TestClient;
  const ids: Record<string, string> = {};
  const listeners: Listener[] = [];
  const listen = async (client: TestClient) => {
    const l = await Listener.open(url, { cookie: client.cookie!, origin: new URL(PUBLIC_URL).origin });
    listeners.push(l);
    return l;
  };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `${address.replace('http', 'ws')}${NOTIFICATIONS_PATH}`;
    const { session, client } = await setUp(t);
    ada = client;
    [bob, carol] = await signedInUsers(t, database, session.organisation.id, ['Bob', 'Carol']);
    const globex = await addOrganisation(database, 'Globex');
    await addUser(database, globex, {
      email: 'olga@globex.test',
      password: 'Olga long password',
      displayName: 'Olga',
    });
    olga = await signedInClient(t, 'olga@globex.test', 'Olga long password');
    for (const [name, c] of Object.entries({ ada, bob, carol, olga })) {
      ids[name] = (await c.get('/api/auth/session')).json<SessionView>().user.id;
    }
  });
  after(async () => {
    for (const l of listeners) l.close();
    await t?.close();
    await database?.close();
  });

  test('CHAT-DIRECT: a message reaches every open client of the other person at once, and waits as unread until read', async () => {
    const bobLaptop = await listen(bob);
    const bobPhone = await listen(bob);
    const created = await ada.post('/api/chat/conversations', { kind: 'direct', userId: ids.bob });
    assert.equal(created.statusCode, 201, created.body);
    const conversation = created.json<ConversationView>();
    for (const l of [bobLaptop, bobPhone]) {
      await l.until(() => l.of('chatConversation').length === 1, 'the new conversation');
      assert.deepEqual(l.of('chatConversation')[0], { type: 'chatConversation', conversation });
    }
    const again = await ada.post('/api/chat/conversations', { kind: 'direct', userId: ids.bob });
    assert.equal(again.json<ConversationView>().id, conversation.id, 'the pair’s one conversation');
    const sent = await ada.post(`/api/chat/conversations/${conversation.id}/messages`, {
      body: '  Lunch at one?  ',
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const message = sent.json<ChatMessageView>();
    assert.equal(message.body, 'Lunch at one?', 'the one text rule: trimmed');
    for (const l of [bobLaptop, bobPhone]) {
      await l.until(() => l.of('chatMessage').length === 1, 'the message');
      assert.deepEqual(l.of('chatMessage')[0], { type: 'chatMessage', message });
    }
    const listed = (await bob.get('/api/chat/conversations')).json<ConversationListView>();
    assert.equal(listed.conversations.find((c) => c.id === conversation.id)?.unread, 1);
    const read = await bob.post(`/api/chat/conversations/${conversation.id}/read`, { messageId: message.id });
    assert.equal(read.statusCode, 204, read.body);
    const after = (await bob.get('/api/chat/conversations')).json<ConversationListView>();
    assert.equal(after.conversations.find((c) => c.id === conversation.id)?.unread, 0);
    // Read on the laptop: the phone's count follows.
    await bobPhone.until(() => bobPhone.of('chatRead').length === 1, 'the read');
    assert.deepEqual(bobPhone.of('chatRead')[0], {
      type: 'chatRead',
      conversationId: conversation.id,
      unread: 0,
    });
    assert.equal(bobPhone.of('chatConversation').length, 1, 'asking for the existing pair announces nothing');
  });

  test('CHAT-DIRECT: edits and deletions reach the members too; history shows the message as it is now', async () => {
    const { id } = (
      await ada.post('/api/chat/conversations', {
        kind: 'group',
        name: 'Team',
        memberIds: [ids.bob, ids.carol],
      })
    ).json<ConversationView>();
    const carolClient = await listen(carol);
    const message = (
      await bob.post(`/api/chat/conversations/${id}/messages`, { body: 'Draft' })
    ).json<ChatMessageView>();
    const edited = await bob.patch(`/api/chat/conversations/${id}/messages/${message.id}`, { body: 'Final' });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(
      (await carol.patch(`/api/chat/conversations/${id}/messages/${message.id}`, { body: 'Mine' }))
        .statusCode,
      404,
    );
    await carolClient.until(() => carolClient.of('chatMessage').length === 2, 'the message and its edit');
    const history = (await carol.get(`/api/chat/conversations/${id}/messages`)).json<ChatHistoryView>();
    assert.equal(history.messages[0]?.body, 'Final');
    assert.equal((await bob.delete(`/api/chat/conversations/${id}/messages/${message.id}`)).statusCode, 204);
    await carolClient.until(() => carolClient.of('chatMessage').length === 3, 'the deletion');
    const gone = carolClient.of('chatMessage')[2]!;
    assert.ok(gone.type === 'chatMessage' && gone.message.body === null);
  });

  test('CHAT-DIRECT: outsiders, bad input and strangers get clear refusals, and nothing is stored', async () => {
    const { id } = (
      await ada.post('/api/chat/conversations', { kind: 'direct', userId: ids.bob })
    ).json<ConversationView>();
    for (const outsider of [carol, olga]) {
      const res = await outsider.get(`/api/chat/conversations/${id}/messages`);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json<{ code: string }>().code, 'not_found');
      assert.equal(
        (await outsider.post(`/api/chat/conversations/${id}/messages`, { body: 'hi' })).statusCode,
        404,
      );
    }
    const other = await ada.post('/api/chat/conversations', { kind: 'direct', userId: ids.olga });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json<{ code: string }>().code, 'user_not_found');
    const before = (await ada.get(`/api/chat/conversations/${id}/messages`)).json<ChatHistoryView>().messages
      .length;
    for (const body of ['', '   ', 'x'.repeat(4001)]) {
      const res = await ada.post(`/api/chat/conversations/${id}/messages`, { body });
      assert.equal(res.statusCode, 400, `${JSON.stringify(body.slice(0, 10))}: ${res.body}`);
      assert.equal(res.json<{ code: string }>().code, 'validation_failed');
    }
    assert.equal(
      (await ada.get(`/api/chat/conversations/${id}/messages?before=not%20an%20id`)).statusCode,
      400,
    );
    const stored = (await ada.get(`/api/chat/conversations/${id}/messages`)).json<ChatHistoryView>().messages
      .length;
    assert.equal(stored, before);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/chat/conversations' });
    assert.equal(anonymous.statusCode, 401);
  });

  test('CHAT-TOGGLE: with chat turned off for the organisation nobody sends, the list says so, history stays readable; on again, it works', async () => {
    const { id } = (
      await ada.post('/api/chat/conversations', { kind: 'direct', userId: ids.carol })
    ).json<ConversationView>();
    const kept = (
      await carol.post(`/api/chat/conversations/${id}/messages`, { body: 'Before' })
    ).json<ChatMessageView>();
    const off = await ada.patch('/api/settings', { chat: { enabled: false } });
    assert.equal(off.statusCode, 200, off.body);
    try {
      for (const res of [
        await carol.post(`/api/chat/conversations/${id}/messages`, { body: 'During' }),
        await carol.patch(`/api/chat/conversations/${id}/messages/${kept.id}`, { body: 'Changed' }),
        await bob.post('/api/chat/conversations', { kind: 'direct', userId: ids.carol }),
      ]) {
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json<{ code: string }>().code, 'chat_disabled');
      }
      const list = (await carol.get('/api/chat/conversations')).json<ConversationListView>();
      assert.equal(list.enabled, false);
      const history = (await carol.get(`/api/chat/conversations/${id}/messages`)).json<ChatHistoryView>();
      assert.deepEqual(
        history.messages.map((m) => m.body),
        ['Before'],
        'nothing new arrived; what was there is readable',
      );
    } finally {
      assert.equal((await ada.patch('/api/settings', { chat: { enabled: true } })).statusCode, 200);
    }
    assert.equal(
      (await carol.post(`/api/chat/conversations/${id}/messages`, { body: 'After' })).statusCode,
      201,
    );
    assert.equal((await carol.get('/api/chat/conversations')).json<ConversationListView>().enabled, true);
  });
});
