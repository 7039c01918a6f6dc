import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { setUp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;
/** How long an emptied room waits before its meeting counts as over, here. */
const GRACE_MS = 1_000;

/** MEET-ONETIME through the real signaling and rooms over Janus: the room's emptying ends the meeting. */
describe('a one-time meeting over signaling', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let t: TestApp;
  let owner: TestClient;

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database, { emptyGraceMs: GRACE_MS });
    t = app.t;
    ({ client: owner } = await setUp(t));
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('MEET-ONETIME: someone whose connection dropped, the last one in, rejoins within the grace: the meeting goes on', async () => {
    const m = (await owner.post('/api/meetings', { name: 'Shaky', oneTime: true })).json<MeetingView>();
    const first = await app.connect();
    const joined = await first.request({ type: 'join', meetingId: m.id, displayName: 'Dee' });
    assert.equal(joined.type, 'joined');
    first.ws.terminate();
    await new Promise((r) => setTimeout(r, GRACE_MS / 4));
    const again = await app.connect();
    const token = joined.type === 'joined' ? joined.guestToken : undefined;
    assert.equal((await again.request({ type: 'join', meetingId: m.id, guestToken: token })).type, 'joined');
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    assert.equal((await new TestClient(t.app).get(`/api/meetings/${m.id}/public`)).statusCode, 200);
    again.close();
  });

  test('MEET-ONETIME: after two people met and both left, the link is dead for joins and for the join page', async () => {
    const m = (await owner.post('/api/meetings', { name: 'Once', oneTime: true })).json<MeetingView>();
    const [ann, ben] = [await app.connect(), await app.connect()];
    assert.equal((await ann.request({ type: 'join', meetingId: m.id, displayName: 'Ann' })).type, 'joined');
    assert.equal((await ben.request({ type: 'join', meetingId: m.id, displayName: 'Ben' })).type, 'joined');
    assert.equal((await ann.request({ type: 'leave' })).type, 'ack');
    // One is still in: the meeting is still there.
    const publicOf = () => new TestClient(t.app).get(`/api/meetings/${m.id}/public`);
    assert.equal((await publicOf()).statusCode, 200);
    assert.equal((await ben.request({ type: 'leave' })).type, 'ack');
    const deadline = Date.now() + 5_000;
    while ((await publicOf()).statusCode !== 410) {
      assert.ok(Date.now() < deadline, 'the meeting did not end after the last one left');
      await new Promise((r) => setTimeout(r, 50));
    }
    const late = await app.connect();
    const refused = await late.request({ type: 'join', meetingId: m.id, displayName: 'Cy' });
    assert.equal(refused.type === 'error' && refused.code, 'meeting_ended');
    const byOwner = await app.connect({ cookieHeader: owner.cookie ?? '' });
    const ownerRefused = await byOwner.request({ type: 'join', meetingId: m.id });
    assert.equal(ownerRefused.type === 'error' && ownerRefused.code, 'meeting_ended');
    for (const s of [ann, ben, late, byOwner]) s.close();
  });
});
