import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deviceIdentity, generateIdentityKeys, toBase64Url } from '@conclave/e2ee';
import {
  MEETING_CHAT_HISTORY,
  type MeetingView,
  type ServerMessage,
  type ServerMessageOf,
} from '@conclave/protocol';
import { MeetingChatStore } from '../src/chat';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);

interface Joined {
  s: SignalClient;
  id: string;
}

/** Messages one person may send a minute here: enough for Bob's across the tests, few to flood. */
const LIMIT = 8;

const bodies = (m: ServerMessageOf<'chatHistory'>) => m.messages.map((l) => l.body);

/** In-meeting chat over signaling (CHAT-MEETING, CHAT-TOGGLE, CHAT-AT-REST, E2EE-CHAT), with a real Janus. */
describeEachDatabase('meeting chat', (kind) => {
  describe('over signaling', { skip }, () => {
    let database: TestDatabase;
    let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
    let ada: TestClient;
    let bob: TestClient;
    let carol: TestClient;

    const enter = async (who: TestClient | string, meetingId: string, e2ee = false): Promise<Joined> => {
      const s = await app.socketOf(typeof who === 'string' ? undefined : who);
      const identity = e2ee ? await deviceIdentity(await generateIdentityKeys()) : null;
      const reply = await s.request({
        type: 'join',
        meetingId,
        ...(typeof who === 'string' && { displayName: who }),
        ...(identity && { identityKey: toBase64Url(identity.publicKey) }),
      });
      assert.ok(reply.type === 'joined', JSON.stringify(reply));
      return { s, id: reply.participantId };
    };
    const history = (p: Joined) => p.s.next('chatHistory', () => true);
    const heard = (p: Joined, body: string) => p.s.next('chat', (m) => m.message.body === body);
    const stored = () => database.db.selectFrom('meeting_chat_messages').selectAll().execute();
    const meeting = async (name: string, e2ee = false) => {
      const m = (await bob.post('/api/meetings', { name, ...(e2ee && { e2ee: true }) })).json<MeetingView>();
      assert.equal(m.e2ee, e2ee);
      return m;
    };

    before(async () => {
      database = await createTestDatabase(kind);
      app = await startAppWithSignaling(database, { chat: { messagesPerMinute: LIMIT } });
      const { client, session } = await setUp(app.t);
      ada = client;
      [bob, carol] = await signedInUsers(app.t, database, session.organisation.id, ['Bob', 'Carol']);
    });
    after(async () => {
      await app?.stop();
      await database?.close();
    });

    test('CHAT-MEETING: everyone in the meeting, a guest included, hears each message with its author; a joiner gets what was said so far', async () => {
      const m = await meeting('Standup');
      const owner = await enter(bob, m.id);
      assert.deepEqual(bodies(await history(owner)), [], 'a new meeting has nothing said yet');
      const gina = await enter('Gina', m.id);
      assert.equal((await history(gina)).enabled, true);

      assert.equal(outcome(await gina.s.request({ type: 'sendChat', body: '  Morning all  ' })), 'ack');
      const seen = await heard(owner, 'Morning all');
      assert.equal(seen.message.participantId, gina.id);
      assert.equal(seen.message.displayName, 'Gina');
      await heard(gina, 'Morning all');
      assert.equal(outcome(await owner.s.request({ type: 'sendChat', body: 'Hello Gina' })), 'ack');
      await heard(gina, 'Hello Gina');

      const late = await enter(carol, m.id);
      const earlier = await history(late);
      assert.deepEqual(bodies(earlier), ['Morning all', 'Hello Gina']);
      assert.deepEqual(
        earlier.messages.map((l) => l.displayName),
        ['Gina', 'Bob'],
      );
      // The one text rule applies: an empty message is refused, nothing is told.
      const empty = await late.s.request({ type: 'sendChat', body: '   ' });
      assert.equal(outcome(empty), 'validation_failed');
      for (const p of [owner, gina, late]) p.s.close();
    });

    test('CHAT-MEETING: a guest hears only its own meeting’s chat: not another meeting’s, which its token cannot join, and no conversations', async () => {
      const ours = await meeting('Ours');
      const theirs = await meeting('Theirs');
      const host = await enter(bob, ours.id);
      const other = await enter(carol, theirs.id);
      const s = await app.socketOf();
      const joined = await s.request({ type: 'join', meetingId: ours.id, displayName: 'Gina' });
      assert.ok(joined.type === 'joined' && joined.guestToken, JSON.stringify(joined));
      const gina = { s, id: joined.participantId };
      await history(gina);

      assert.equal(outcome(await other.s.request({ type: 'sendChat', body: 'Theirs only' })), 'ack');
      await heard(other, 'Theirs only');
      assert.equal(outcome(await host.s.request({ type: 'sendChat', body: 'Ours only' })), 'ack');
      await heard(gina, 'Ours only');
      assert.equal(
        gina.s.received.some((f) => f.type === 'chat' && f.message.body === 'Theirs only'),
        false,
        'nothing of the other meeting',
      );
      // Her guest token is for her meeting: the other one refuses it, history and all.
      const elsewhere = await app.socketOf();
      const refused = await elsewhere.request({
        type: 'join',
        meetingId: theirs.id,
        guestToken: joined.guestToken,
      });
      assert.notEqual(refused.type, 'joined');
      assert.equal(
        elsewhere.received.some((f) => f.type === 'chatHistory'),
        false,
      );
      // Conversations are for people with accounts.
      const conversations = await app.t.app.inject({ method: 'GET', url: '/api/chat/conversations' });
      assert.equal(conversations.statusCode, 401);
      for (const p of [host, other, gina]) p.s.close();
      elsewhere.close();
    });

    test('CHAT-AT-REST, CHAT-MEETING: the database holds a meeting’s chat sealed, and nothing of it once the meeting is over', async () => {
      const m = await meeting('Board');
      const owner = await enter(bob, m.id);
      const words = 'The acquisition target is Initech';
      assert.equal(outcome(await owner.s.request({ type: 'sendChat', body: words })), 'ack');
      await heard(owner, words);
      const rows = await stored();
      const row = rows.find((r) => r.meeting_id === m.id);
      assert.ok(row, 'kept while the meeting lasts');
      const dump = JSON.stringify(rows);
      assert.ok(
        !dump.includes('Initech') && !dump.includes(Buffer.from(words).toString('base64').slice(0, 16)),
      );
      assert.match(row.body, /^v1\./);

      assert.equal(outcome(await owner.s.request({ type: 'leave' })), 'ack');
      const deadline = Date.now() + 5_000;
      while ((await stored()).some((r) => r.meeting_id === m.id) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(
        (await stored()).filter((r) => r.meeting_id === m.id),
        [],
        'the meeting is over: its chat is gone',
      );
      // The next time the meeting runs, it starts with nothing said.
      const again = await enter(bob, m.id);
      assert.deepEqual(bodies(await history(again)), []);
      again.s.close();
    });

    test('CHAT-MEETING: a long meeting’s chat stays bounded: trimming keeps the latest lines a joiner is shown, and drops the rest', async () => {
      const m = await meeting('Marathon');
      const store = new MeetingChatStore(database.db);
      const ids = Array.from(
        { length: MEETING_CHAT_HISTORY + 5 },
        (_, i) => `line-${String(i).padStart(4, '0')}`,
      );
      for (const id of ids) {
        await store.add({
          id,
          meetingId: m.id,
          participantId: 'p',
          displayName: 'P',
          body: 'v1.sealed',
          createdAt: '',
        });
      }
      await store.keepLatest(m.id, MEETING_CHAT_HISTORY);
      const kept = (await stored())
        .filter((r) => r.meeting_id === m.id)
        .map((r) => r.id)
        .sort();
      assert.deepEqual(kept, ids.slice(5));
      await store.keepLatest(m.id, MEETING_CHAT_HISTORY);
      assert.equal((await stored()).filter((r) => r.meeting_id === m.id).length, MEETING_CHAT_HISTORY);
      await store.clear(m.id);
    });

    test('CHAT-TOGGLE: with chat off for the organisation, a meeting’s chat refuses new messages and joiners are told it is off', async () => {
      const m = await meeting('Quiet');
      const owner = await enter(bob, m.id);
      assert.equal(outcome(await owner.s.request({ type: 'sendChat', body: 'Before' })), 'ack');
      assert.equal((await ada.patch('/api/settings', { chat: { enabled: false } })).statusCode, 200);
      try {
        const refused = await owner.s.request({ type: 'sendChat', body: 'After' });
        assert.equal(outcome(refused), 'chat_disabled');
        const late = await enter('Gina', m.id);
        const told = await history(late);
        assert.equal(told.enabled, false);
        assert.deepEqual(bodies(told), ['Before'], 'what was said stays readable');
        const guestRefused = await late.s.request({ type: 'sendChat', body: 'Me neither?' });
        assert.equal(outcome(guestRefused), 'chat_disabled');
        late.s.close();
      } finally {
        assert.equal((await ada.patch('/api/settings', { chat: { enabled: true } })).statusCode, 200);
      }
      owner.s.close();
    });

    test('CHAT-MEETING: one participant’s messages are limited (rate_limited), the others keep talking', async () => {
      const m = await meeting('Flood');
      const owner = await enter(bob, m.id);
      const gina = await enter('Gina', m.id);
      const sent = [];
      for (let i = 0; i <= LIMIT; i++) {
        sent.push(outcome(await gina.s.request({ type: 'sendChat', body: `n${i}` })));
      }
      assert.deepEqual(sent, [...Array<string>(LIMIT).fill('ack'), 'rate_limited']);
      assert.equal(outcome(await owner.s.request({ type: 'sendChat', body: 'Calm down' })), 'ack');
      await heard(gina, 'Calm down');
      for (const p of [owner, gina]) p.s.close();
    });

    test('E2EE-CHAT: in an end-to-end encrypted meeting the server relays chat as sent, to the others only, and keeps none; plain chat is refused there', async () => {
      const m = await meeting('Sealed', true);
      const owner = await enter(bob, m.id, true);
      const member = await enter(carol, m.id, true);
      const before = (await stored()).length;

      const ciphertext = Buffer.from('opaque MLS private message').toString('base64url');
      assert.equal(outcome(await owner.s.request({ type: 'sendEncryptedChat', message: ciphertext })), 'ack');
      const relayed = await member.s.next('encryptedChat', () => true);
      assert.equal(relayed.message, ciphertext);
      assert.equal(relayed.participantId, owner.id, 'stamped with the connection that sent it');
      assert.equal(
        owner.s.received.some((f) => f.type === 'encryptedChat'),
        false,
        'the sender is not sent its own',
      );
      assert.equal((await stored()).length, before, 'nothing kept');
      const late = await enter(ada, m.id, true);
      assert.deepEqual(bodies(await history(late)), [], 'a joiner is given nothing said before');
      late.s.close();

      const plain = await owner.s.request({ type: 'sendChat', body: 'In clear?' });
      assert.equal(outcome(plain), 'invalid_state');
      for (const p of [owner, member]) p.s.close();
      // …and a meeting without E2EE takes no ciphertext.
      const open = await meeting('Open');
      const o = await enter(bob, open.id);
      const wrong = await o.s.request({ type: 'sendEncryptedChat', message: ciphertext });
      assert.equal(outcome(wrong), 'invalid_state');
      o.s.close();
    });
  });
});
