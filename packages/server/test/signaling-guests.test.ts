import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ServerMessageOf } from '@conclave/protocol';
import { setUp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

/**
 * A guest may name themselves in `join` (no HTTP request first), under the same text rule and the
 * same per-address guest limit as POST /api/meetings/:id/guests, with the real auth services.
 */
describe('guests joining by name over signaling', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let t: TestApp;
  let meeting: MeetingView;
  const sockets: SignalClient[] = [];
  const connect = async () => {
    const s = await app.connect();
    sockets.push(s);
    return s;
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database, {
      auth: { limits: { guestTokensPerIp: { limit: 4, windowMs: 600_000 } } },
    });
    t = app.t;
    const { client: owner } = await setUp(t);
    meeting = (await owner.post('/api/meetings', { name: 'Open house' })).json<MeetingView>();
  });
  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await app?.stop();
    await database?.close();
  });

  test('IAM-GUEST: a guest joins with a display name and rejoins with the token it was given, as the same guest', async () => {
    const first = await connect();
    const joined = (await first.request({
      type: 'join',
      meetingId: meeting.id,
      displayName: '  Gina  Guest ',
    })) as ServerMessageOf<'joined'>;
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    const self = joined.participants.find((p) => p.id === joined.participantId)!;
    assert.deepEqual([self.displayName, self.kind], ['Gina Guest', 'guest']);
    assert.match(joined.guestToken ?? '', /^[A-Za-z0-9_-]{43}$/);

    const second = await connect();
    const rejoined = await second.request({
      type: 'join',
      meetingId: meeting.id,
      guestToken: joined.guestToken,
    });
    assert.equal(rejoined.type, 'joined');
    assert.equal(rejoined.guestToken, undefined, 'no second token');
    assert.equal((await first.next('disconnected')).reason, 'replaced', 'the same guest, one connection');
    for (const s of [first, second]) s.close();
  });

  test('IAM-GUEST: a name that breaks the text rule, or a missing meeting, is refused', async () => {
    const s = await connect();
    const bad = await s.request({ type: 'join', meetingId: meeting.id, displayName: 'Gina\u202e' });
    assert.equal(bad.type === 'error' && bad.code, 'validation_failed');
    const missing = await s.request({ type: 'join', meetingId: 'no-such-meeting', displayName: 'Gina' });
    assert.equal(missing.type === 'error' && missing.code, 'meeting_not_found');
    s.close();
  });

  test('IAM-GUEST: guests by name and guest tokens over HTTP share one per-address limit', async () => {
    // Two joins by name so far (one refused before counting: the bad name never reached the limit).
    const http = await new TestClient(t.app).post(`/api/meetings/${meeting.id}/guests`, {
      displayName: 'Hal',
    });
    assert.equal(http.statusCode, 201);
    const s = await connect();
    const fourth = await s.request({ type: 'join', meetingId: meeting.id, displayName: 'Ida' });
    assert.equal(fourth.type, 'joined', JSON.stringify(fourth));
    s.close();
    const t5 = await connect();
    const limited = await t5.request({ type: 'join', meetingId: meeting.id, displayName: 'Jo' });
    assert.equal(limited.type === 'error' && limited.code, 'rate_limited');
    const overHttp = await new TestClient(t.app).post(`/api/meetings/${meeting.id}/guests`, {
      displayName: 'Kim',
    });
    assert.equal(overHttp.statusCode, 429);
  });
});
