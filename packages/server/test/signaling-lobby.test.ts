import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LobbyMode, MeetingView, ServerMessage } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { scrape } from './support/metrics';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);
const names = (m: { waiting: Array<{ displayName: string }> }) => m.waiting.map((w) => w.displayName);

/** MEET-LOBBY over signaling, with the real auth and meetings services over a real Janus. */
describe('the lobby of a meeting', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let admin: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  const socket = (client?: TestClient) => app.socketOf(client);
  /** Joins on a socket of its own: a user by session, a guest by name or by the token it was issued. */
  const join = async (who: TestClient | { name: string } | { token: string }, meetingId: string) => {
    const s = await socket('name' in who || 'token' in who ? undefined : who);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...('name' in who && { displayName: who.name }),
      ...('token' in who && { guestToken: who.token }),
    });
    return { s, reply };
  };
  const meeting = async (name: string, lobby: LobbyMode) => {
    const res = await bob.post('/api/meetings', { name, lobby });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const joined = (m: ServerMessage) => {
    assert.equal(m.type, 'joined', JSON.stringify(m));
    return m;
  };
  const waiting = (m: ServerMessage) => {
    assert.equal(m.type, 'waiting', JSON.stringify(m));
    return m;
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    const { client, session } = await setUp(app.t);
    admin = client;
    [bob, carol] = await signedInUsers(app.t, database, session.organisation.id, ['Bob', 'Carol']);
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('MEET-LOBBY: the lobby setting is kept with the meeting and shown on its join page', async () => {
    const m = await meeting('Settings', 'guests');
    assert.equal(m.lobby, 'guests');
    const changed = await bob.patch(`/api/meetings/${m.id}`, { lobby: 'everyone' });
    assert.equal(changed.json<MeetingView>().lobby, 'everyone');
    const page = await bob.get(`/api/meetings/${m.id}/public`);
    assert.equal(page.json<{ lobby: string }>().lobby, 'everyone');
    const bad = await bob.patch(`/api/meetings/${m.id}`, { lobby: 'sometimes' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ code: string }>().code, 'validation_failed');
  });

  test('MEET-LOBBY: a guest waits without roster or media until the owner admits them, then joins', async () => {
    const m = await meeting('Review', 'guests');
    const owner = await join(bob, m.id);
    assert.deepEqual(joined(owner.reply).lobby, []);
    const member = await join(carol, m.id);
    assert.equal(joined(member.reply).lobby, undefined, 'a participant who is not a moderator sees no lobby');

    const guest = await join({ name: 'Gina' }, m.id);
    const wait = waiting(guest.reply);
    assert.equal(wait.meeting.name, 'Review');
    assert.ok(wait.guestToken, 'the guest can come back as the same guest');
    const list = await owner.s.next('lobby', (l) => l.waiting.length === 1);
    assert.deepEqual(names(list), ['Gina']);
    const metrics = await scrape(app.t.app);
    assert.equal(metrics.value('conclave_lobby_waiting'), 1, 'operators see who waits');
    assert.equal(metrics.value('conclave_participants_active'), 2, 'a waiting guest is no participant');
    assert.equal(list.waiting[0]?.kind, 'guest');
    assert.equal(list.waiting[0]?.id, wait.participantId);

    // Nobody in the meeting hears of the guest, and the guest hears nothing of the meeting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(!member.s.received.some((x) => x.type === 'lobby' || x.type === 'participantJoined'));
    assert.deepEqual(
      guest.s.received.map((x) => x.type),
      [],
      'a waiting guest receives nothing but `waiting`',
    );
    const early = await guest.s.request({ type: 'setMute', source: 'microphone', muted: true });
    assert.equal(outcome(early), 'not_joined', 'a waiting guest cannot act in the meeting');

    const refused = await member.s.request({ type: 'admit', participantIds: [wait.participantId] });
    assert.equal(outcome(refused), 'forbidden', 'only moderators admit');

    assert.equal(
      outcome(await owner.s.request({ type: 'admit', participantIds: [wait.participantId] })),
      'ack',
    );
    const inside = await guest.s.next('joined');
    assert.equal(inside.participantId, wait.participantId);
    assert.deepEqual(inside.participants.map((p) => p.displayName).sort(), ['Bob', 'Carol', 'Gina']);
    assert.equal(inside.lobby, undefined);
    await member.s.next('participantJoined', (x) => x.participant.displayName === 'Gina');
    assert.deepEqual(names(await owner.s.next('lobby')), []);
  });

  test('MEET-LOBBY, INTEROP-SIP: a SIP caller (the gateway page’s guest token, no passcode asked again) waits like any guest, is listed to the moderator as a SIP caller, and enters only when admitted', async () => {
    const m = await meeting('Supplier call', 'guests');
    const set = await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '482913' });
    assert.equal(set.statusCode, 200, set.body);
    const owner = await join(bob, m.id);
    const record = (await app.t.services.meetingStore.findMeeting(m.id))!;
    const caller = await app.t.services.auth.issueGuest(record, 'Room 101', { via: 'sip' });
    const call = await join({ token: caller.token }, m.id);
    const wait = waiting(call.reply);
    const list = await owner.s.next('lobby', (l) => l.waiting.length === 1);
    assert.deepEqual(
      list.waiting.map((w) => [w.displayName, w.kind]),
      [['Room 101', 'sip']],
    );
    assert.equal(
      outcome(await owner.s.request({ type: 'admit', participantIds: [wait.participantId] })),
      'ack',
    );
    const inside = await call.s.next('joined');
    assert.equal(inside.participants.find((p) => p.id === wait.participantId)?.kind, 'sip');
  });

  test('MEET-LOBBY: someone who arrives before the host waits; the host finds them in the lobby on joining', async () => {
    const m = await meeting('Early', 'guests');
    const guest = await join({ name: 'Early Eve' }, m.id);
    waiting(guest.reply);
    const owner = await join(bob, m.id);
    assert.deepEqual(names({ waiting: joined(owner.reply).lobby ?? [] }), ['Early Eve']);
  });

  test('MEET-LOBBY: a rejected guest is told so and cannot ask again while the meeting lasts', async () => {
    const m = await meeting('Closed door', 'guests');
    const owner = await join(bob, m.id);
    const guest = await join({ name: 'Mallory' }, m.id);
    const wait = waiting(guest.reply);
    assert.equal(
      outcome(await owner.s.request({ type: 'reject', participantIds: [wait.participantId] })),
      'ack',
    );
    const told = await guest.s.next('disconnected');
    assert.equal(told.reason, 'rejected');
    assert.match(told.message, /Bob did not let you in/);
    await guest.s.closed();
    const again = await join({ token: wait.guestToken! }, m.id);
    assert.equal(outcome(again.reply), 'rejected');
  });

  test('MEET-LOBBY: with everyone waiting, a signed-in user waits; the owner and an Administrator do not', async () => {
    const m = await meeting('Everyone waits', 'everyone');
    const user = await join(carol, m.id);
    waiting(user.reply);
    const administrator = await join(admin, m.id);
    assert.deepEqual(names({ waiting: joined(administrator.reply).lobby ?? [] }), ['Carol']);
    const owner = await join(bob, m.id);
    joined(owner.reply);
    // Admitting everyone at once (what the moderator saw).
    assert.equal(
      outcome(
        await administrator.s.request({ type: 'admit', participantIds: [waiting(user.reply).participantId] }),
      ),
      'ack',
    );
    await user.s.next('joined');
  });

  test('MEET-LOBBY: there is no way around it: reconnecting waits again until admitted, admitted people come back', async () => {
    const m = await meeting('Reconnect', 'guests');
    const owner = await join(bob, m.id);
    const first = await join({ name: 'Gus' }, m.id);
    const token = waiting(first.reply).guestToken!;
    first.s.ws.terminate();
    await owner.s.next('lobby', (l) => l.waiting.length === 0);
    const second = await join({ token }, m.id);
    waiting(second.reply);
    assert.deepEqual(names(await owner.s.next('lobby', (l) => l.waiting.length === 1)), ['Gus']);
    // The same guest asking from another window waits in its place, rather than slipping past or
    // taking a second place in the lobby.
    const third = await join({ token }, m.id);
    const again = waiting(third.reply);
    assert.equal((await second.s.next('disconnected')).reason, 'replaced');
    const list = await owner.s.next('lobby', (l) => l.waiting.some((w) => w.id === again.participantId));
    assert.deepEqual(names(list), ['Gus']);

    await owner.s.request({ type: 'admit', participantIds: [again.participantId] });
    await third.s.next('joined');
    third.s.close();
    await owner.s.next('participantLeft');
    const back = await join({ token }, m.id);
    joined(back.reply);
  });

  test('MEET-LOBBY: someone who stops waiting leaves the moderators’ list', async () => {
    const m = await meeting('Impatient', 'guests');
    const owner = await join(bob, m.id);
    const guest = await join({ name: 'Ivy' }, m.id);
    waiting(guest.reply);
    await owner.s.next('lobby', (l) => l.waiting.length === 1);
    assert.equal(outcome(await guest.s.request({ type: 'leave' })), 'ack');
    assert.deepEqual(names(await owner.s.next('lobby', (l) => l.waiting.length === 0)), []);
  });
});
