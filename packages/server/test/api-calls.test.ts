import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import {
  NOTIFICATIONS_PATH,
  type CallView,
  type MeetingView,
  type MissedCallsView,
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
import { Listener, refusedWith } from './support/notifications';

const RING_MS = 30_000;

describeEachDatabase('calls API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let url: string;
  /** Ada is the Administrator; Bob, Carol and Dan are Users; Olga is of another organisation. */
  let ada: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let dan: TestClient;
  let olga: TestClient;
  const ids: Record<string, string> = {};
  const listeners: Listener[] = [];

  const idOf = async (client: TestClient) =>
    (await client.get('/api/auth/session')).json<SessionView>().user.id;
  const listen = async (client: TestClient) => {
    const l = await Listener.open(url, { cookie: client.cookie!, origin: new URL(PUBLIC_URL).origin });
    listeners.push(l);
    return l;
  };
  const call = async (from: TestClient, calleeId: string, meetingId?: string) =>
    from.post('/api/calls', { calleeId, ...(meetingId && { meetingId }) });
  const placed = async (from: TestClient, calleeId: string) => {
    const res = await call(from, calleeId);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<CallView>();
  };
  const missed = async (who: TestClient) => (await who.get('/api/calls/missed')).json<MissedCallsView>();

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { calls: { ringMs: RING_MS, placedPerMinute: 6, maxRinging: 3 } });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `${address.replace('http', 'ws')}${NOTIFICATIONS_PATH}`;
    const { session, client } = await setUp(t);
    ada = client;
    [bob, carol, dan] = await signedInUsers(t, database, session.organisation.id, ['Bob', 'Carol', 'Dan']);
    const globex = await addOrganisation(database, 'Globex');
    await addUser(database, globex, {
      email: 'olga@globex.test',
      password: 'Olga long password',
      displayName: 'Olga',
    });
    olga = await signedInClient(t, 'olga@globex.test', 'Olga long password');
    for (const [name, c] of Object.entries({ ada, bob, carol, dan, olga })) ids[name] = await idOf(c);
  });
  beforeEach(async () => {
    // Whatever still rings from the test before ends, so limits and lists start clean.
    t.clock.advance(RING_MS * 2);
    await t.services.calls.expireDue();
    for (const l of listeners.splice(0)) l.close();
  });
  after(async () => {
    for (const l of listeners) l.close();
    await t?.close();
    await database?.close();
  });

  test('MEET-CALL: a call rings every open client of the callee; accepting on one stops the others and both meet', async () => {
    const bobLaptop = await listen(bob);
    const bobPhone = await listen(bob);
    const adaClient = await listen(ada);
    const c = await placed(ada, ids.bob!);
    assert.equal(c.state, 'ringing');
    assert.equal(c.kind, 'direct');
    assert.ok(c.meeting, 'a call has a meeting to meet in');
    for (const l of [bobLaptop, bobPhone]) {
      await l.until(() => l.of('incomingCall').length === 1, 'the ring');
      const ring = l.of('incomingCall')[0]!;
      assert.ok(ring.type === 'incomingCall');
      assert.deepEqual(ring.call.caller, { id: ids.ada, name: 'Ada Admin' });
      assert.equal(ring.call.id, c.id);
      assert.equal(ring.call.meeting.id, c.meeting.id);
    }
    const accepted = await bob.post(`/api/calls/${c.id}/accept`);
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json<CallView>().state, 'accepted');
    await adaClient.until(() => adaClient.of('callAccepted').length === 1, 'the caller told');
    const told = adaClient.of('callAccepted')[0]!;
    assert.ok(told.type === 'callAccepted');
    assert.equal(told.meetingId, c.meeting.id);
    await bobPhone.until(() => bobPhone.of('callEnded').length === 1, 'the other client to stop');
    assert.deepEqual(bobPhone.of('callEnded')[0], {
      type: 'callEnded',
      callId: c.id,
      reason: 'answered_elsewhere',
    });
    // The meeting is the caller's one-time meeting, hidden; the callee may join it like anyone signed in.
    const meeting = (await ada.get(`/api/meetings/${c.meeting.id}`)).json<MeetingView>();
    assert.equal(meeting.oneTime, true);
    assert.equal(meeting.hidden, true);
    assert.equal((await bob.get(`/api/meetings/${c.meeting.id}/public`)).statusCode, 200);
    // A second answer finds it answered.
    const again = await bob.post(`/api/calls/${c.id}/accept`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ code: string }>().code, 'call_ended');
  });

  test('MEET-CALL: of two accepts at once, exactly one wins', async () => {
    const c = await placed(ada, ids.bob!);
    const results = await Promise.all([
      bob.post(`/api/calls/${c.id}/accept`),
      bob.post(`/api/calls/${c.id}/accept`),
      bob.post(`/api/calls/${c.id}/accept`),
    ]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409, 409]);
  });

  test('MEET-CALL: declining tells the caller and stops every client of the callee; the meeting goes', async () => {
    const adaClient = await listen(ada);
    const bobPhone = await listen(bob);
    const c = await placed(ada, ids.bob!);
    const res = await bob.post(`/api/calls/${c.id}/decline`);
    assert.equal(res.statusCode, 200, res.body);
    await adaClient.until(() => adaClient.of('callEnded').length === 1, 'the caller told');
    assert.deepEqual(adaClient.of('callEnded')[0], { type: 'callEnded', callId: c.id, reason: 'declined' });
    await bobPhone.until(() => bobPhone.of('callEnded').length === 1, 'the ringing to stop');
    assert.equal((await ada.get(`/api/meetings/${c.meeting!.id}`)).statusCode, 404);
    assert.equal((await bob.post(`/api/calls/${c.id}/accept`)).statusCode, 409);
  });

  test('MEET-CALL: the caller cancels; the callee stops ringing and sees a missed call, then marks it seen', async () => {
    const before = await missed(carol);
    await bob.post('/api/calls/missed/seen');
    const carolClient = await listen(carol);
    const c = await placed(bob, ids.carol!);
    const res = await bob.post(`/api/calls/${c.id}/cancel`);
    assert.equal(res.statusCode, 200, res.body);
    await carolClient.until(() => carolClient.of('callEnded').length === 1, 'the ringing to stop');
    assert.deepEqual(carolClient.of('callEnded')[0], {
      type: 'callEnded',
      callId: c.id,
      reason: 'cancelled',
    });
    const after = await missed(carol);
    assert.equal(after.calls.length, before.calls.length + 1);
    assert.deepEqual(after.calls[0]!.caller, { id: ids.bob, name: 'Bob' });
    assert.equal(after.unseen, before.unseen + 1);
    assert.equal((await carol.post('/api/calls/missed/seen')).statusCode, 204);
    assert.equal((await missed(carol)).unseen, 0);
    assert.equal((await carol.post(`/api/calls/${c.id}/accept`)).statusCode, 409, 'too late to accept');
  });

  test('MEET-CALL: nobody answers in time; the call is missed on both sides and listed for the callee', async () => {
    const adaClient = await listen(ada);
    const danClient = await listen(dan);
    const c = await placed(ada, ids.dan!);
    t.clock.advance(RING_MS - 1000);
    await t.services.calls.expireDue();
    assert.equal((await ada.get(`/api/calls/${c.id}`)).json<CallView>().state, 'ringing');
    t.clock.advance(2000);
    // Past its time, nobody can accept it, even before it is swept.
    const late = await dan.post(`/api/calls/${c.id}/accept`);
    assert.equal(late.statusCode, 409);
    assert.equal(late.json<{ code: string }>().code, 'call_ended');
    await t.services.calls.expireDue();
    for (const l of [adaClient, danClient]) {
      await l.until(() => l.of('callEnded').length === 1, 'the call to end');
      assert.deepEqual(l.of('callEnded')[0], { type: 'callEnded', callId: c.id, reason: 'missed' });
    }
    const list = await missed(dan);
    assert.equal(list.calls[0]!.id, c.id);
    assert.equal(list.calls[0]!.caller.name, 'Ada Admin');
    assert.ok(list.unseen >= 1);
    assert.equal((await ada.get(`/api/calls/${c.id}`)).json<CallView>().state, 'missed');
  });

  test('MEET-CALL: only the callee accepts or declines, only the caller cancels, strangers see nothing', async () => {
    const c = await placed(ada, ids.bob!);
    for (const action of ['accept', 'decline']) {
      const res = await ada.post(`/api/calls/${c.id}/${action}`);
      assert.equal(res.statusCode, 403, `the caller cannot ${action}`);
      assert.equal(res.json<{ code: string }>().code, 'forbidden');
    }
    const bobCancels = await bob.post(`/api/calls/${c.id}/cancel`);
    assert.equal(bobCancels.statusCode, 403);
    for (const stranger of [carol, olga]) {
      for (const action of ['accept', 'decline', 'cancel']) {
        const res = await stranger.post(`/api/calls/${c.id}/${action}`);
        assert.equal(res.statusCode, 404, `a stranger cannot ${action}`);
      }
      assert.equal((await stranger.get(`/api/calls/${c.id}`)).statusCode, 404);
    }
    assert.equal((await bob.get(`/api/calls/${c.id}`)).json<CallView>().state, 'ringing');
  });

  test('MEET-CALL: refusals: oneself, another organisation, unknown, revoked, signed out, over the limits', async () => {
    const self = await call(ada, ids.ada!);
    assert.equal(self.statusCode, 400);
    assert.equal(self.json<{ field: string }>().field, 'calleeId');
    for (const [from, to] of [
      [ada, ids.olga!],
      [olga, ids.bob!],
      [ada, '0190a0a0-0000-7000-8000-000000000000'],
    ] as const) {
      const res = await call(from, to);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json<{ code: string }>().code, 'user_not_found');
    }
    assert.equal((await call(ada, 'not an id!')).statusCode, 400);
    // A revoked person cannot be called.
    const eve = await addUser(
      database,
      (await ada.get('/api/auth/session')).json<SessionView>().organisation.id,
      {
        email: 'eve@acme.test',
        password: 'Eve long password',
        displayName: 'Eve',
      },
    );
    assert.equal((await ada.post(`/api/users/${eve}/revoke`)).statusCode, 200);
    const revoked = await call(ada, eve);
    assert.equal(revoked.statusCode, 409);
    assert.equal(revoked.json<{ code: string }>().code, 'callee_unavailable');
    // Without a session (a guest has none) nobody calls.
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/calls',
      payload: { calleeId: ids.bob },
    });
    assert.equal(anonymous.statusCode, 401);
    // At most three ringing at once…
    for (let i = 0; i < 3; i++) await placed(carol, ids.dan!);
    const fourth = await call(carol, ids.dan!);
    assert.equal(fourth.statusCode, 429);
    assert.equal(fourth.json<{ code: string }>().code, 'too_many_calls');
    // …and six attempts a minute, the refused fourth among them (the window began with the first).
    t.clock.advance(RING_MS + 1000);
    await t.services.calls.expireDue();
    for (let i = 0; i < 2; i++) {
      const c = await placed(carol, ids.dan!);
      await carol.post(`/api/calls/${c.id}/cancel`);
    }
    const limited = await call(carol, ids.dan!);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json<{ code: string }>().code, 'rate_limited');
  });

  test('MEET-ADD: only a moderator rings someone into a meeting, and only while it is running', async () => {
    const m = (await ada.post('/api/meetings', { name: 'Weekly' })).json<MeetingView>();
    const byUser = await call(bob, ids.carol!, m.id);
    assert.equal(byUser.statusCode, 403);
    assert.equal(byUser.json<{ code: string }>().code, 'forbidden');
    const byStranger = await call(olga, ids.carol!, m.id);
    assert.equal(byStranger.statusCode, 404);
    // Nobody is in it (this app serves no meetings at all).
    const notLive = await call(ada, ids.carol!, m.id);
    assert.equal(notLive.statusCode, 409);
    assert.equal(notLive.json<{ code: string }>().code, 'meeting_not_live');
  });

  test('MEET-CALL: the notification socket needs our Origin, the subprotocol and a session, and closes at sign-out', async () => {
    const origin = new URL(PUBLIC_URL).origin;
    assert.equal(await refusedWith(url, { cookie: bob.cookie!, origin: 'https://evil.test' }), 403);
    assert.equal(await refusedWith(url, { origin }), 401);
    assert.equal(await refusedWith(url, { cookie: 'conclave_session=forged', origin }), 401);
    assert.equal(await refusedWith(url, { cookie: bob.cookie!, origin }, 'conclave.v1'), 400);
    const signingOut = await signedInClient(t, 'bob@acme.test', 'Bob long password');
    const l = await listen(signingOut);
    const other = await listen(bob);
    assert.equal((await signingOut.post('/api/auth/sign-out')).statusCode, 204);
    await l.until(() => l.closed !== null, 'the socket to close');
    assert.equal(l.closed!.code, 4001);
    assert.equal(other.closed, null, "another session's socket stays open");
    // A client that talks on it is cut off: it only listens.
    other.socket.send('hello');
    await other.until(() => other.closed !== null, 'the talking socket to close');
    assert.equal(other.closed!.code, 1008);
  });
});
