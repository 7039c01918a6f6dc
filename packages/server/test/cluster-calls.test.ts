import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NOTIFICATIONS_PATH, type CallView, type MeetingView, type SessionView } from '@conclave/protocol';
import { PUBLIC_URL, setUp, signedInUsers, TestClient } from './support/app';
import { InProcessNodes } from './support/cluster-fakes';
import { createTestDatabase, type TestDatabase } from './support/database';
import { Listener } from './support/notifications';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import { startTestMediaPlane } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

type Node = Awaited<ReturnType<typeof startAppWithSignaling>>;

/**
 * Calls across two control-plane nodes sharing a database, wired by the in-process bus (the Redis bus
 * carries the same events): a call placed through one node rings the callee's sockets on the other,
 * and the answer reaches the caller's socket where it is.
 */
describe('MEET-CALL and MEET-ADD across two control-plane nodes', { skip }, () => {
  let database: TestDatabase;
  let media: Awaited<ReturnType<typeof startTestMediaPlane>>;
  let a: Node;
  let b: Node;
  let ada: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  const ids: Record<string, string> = {};
  const listeners: Listener[] = [];

  /** The same browser's session, its requests going to `node`. */
  const through = (node: Node, client: TestClient) => {
    const other = new TestClient(node.t.app);
    other.cookie = client.cookie;
    other.csrfToken = client.csrfToken;
    return other;
  };
  const listen = async (node: Node, client: TestClient) => {
    const address = node.t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const l = await Listener.open(`ws://127.0.0.1:${port}${NOTIFICATIONS_PATH}`, {
      cookie: client.cookie!,
      origin: new URL(PUBLIC_URL).origin,
    });
    listeners.push(l);
    return l;
  };

  before(async () => {
    if (skip !== false) return;
    database = await createTestDatabase('sqlite');
    media = await startTestMediaPlane();
    const nodes = new InProcessNodes();
    a = await startAppWithSignaling(database, { media: media.media, cluster: nodes.node('a') });
    b = await startAppWithSignaling(database, { media: media.media, cluster: nodes.node('b') });
    const { session, client } = await setUp(a.t);
    ada = client;
    [bob, carol] = await signedInUsers(a.t, database, session.organisation.id, ['Bob', 'Carol']);
    for (const [name, c] of Object.entries({ ada, bob, carol })) {
      ids[name] = (await c.get('/api/auth/session')).json<SessionView>().user.id;
    }
  });
  after(async () => {
    for (const l of listeners) l.close();
    await a?.stop();
    await b?.stop();
    await media?.stop();
    await database?.close();
  });

  test('MEET-CALL: a call placed through one node rings the callee on the other, and the answer comes back', async () => {
    const bobOnA = await listen(a, bob);
    const carolOnA = await listen(a, carol);
    const carolOnB = await listen(b, carol);
    const res = await bob.post('/api/calls', { calleeId: ids.carol });
    assert.equal(res.statusCode, 201, res.body);
    const call = res.json<CallView>();
    for (const l of [carolOnA, carolOnB]) await l.until(() => l.of('incomingCall').length === 1, 'the ring');
    const accepted = await through(b, carol).post(`/api/calls/${call.id}/accept`);
    assert.equal(accepted.statusCode, 200, accepted.body);
    await bobOnA.until(() => bobOnA.of('callAccepted').length === 1, 'the caller told');
    await carolOnA.until(() => carolOnA.of('callEnded').length === 1, 'the other client to stop');
    assert.deepEqual(carolOnA.of('callEnded')[0], {
      type: 'callEnded',
      callId: call.id,
      reason: 'answered_elsewhere',
    });
  });

  test('MEET-ADD: a moderator in a meeting held by one node rings someone in through the other', async () => {
    const m = (await ada.post('/api/meetings', { name: 'Weekly' })).json<MeetingView>();
    // Ada is in the meeting through node a, which holds it.
    const socket = await a.socketOf(ada);
    const joined = await socket.request({ type: 'join', meetingId: m.id });
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    const bobOnB = await listen(b, bob);
    const rung = await through(b, ada).post('/api/calls', { calleeId: ids.bob, meetingId: m.id });
    assert.equal(rung.statusCode, 201, rung.body);
    const call = rung.json<CallView>();
    assert.equal(call.kind, 'add');
    assert.deepEqual(call.meeting, { id: m.id, name: 'Weekly' });
    await bobOnB.until(() => bobOnB.of('incomingCall').length === 1, 'the ring');
    const ring = bobOnB.of('incomingCall')[0]!;
    assert.ok(ring.type === 'incomingCall');
    assert.equal(ring.call.kind, 'add');
    assert.deepEqual(ring.call.meeting, { id: m.id, name: 'Weekly' });
    // A User of the organisation is no moderator of Ada's meeting, live or not.
    const byBob = await through(b, bob).post('/api/calls', { calleeId: ids.carol, meetingId: m.id });
    assert.equal(byBob.statusCode, 403);
    // The Administrator sees who rang whom into which meeting.
    const audit = await ada.get('/api/audit?action=meeting.personRung');
    assert.equal(audit.statusCode, 200, audit.body);
    const events = audit.json<{ events: { target: { id: string }; details: Record<string, string> }[] }>();
    assert.equal(events.events[0]?.target.id, m.id);
    assert.equal(events.events[0]?.details.callee, 'Bob');
  });
});
