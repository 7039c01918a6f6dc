import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { setUp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;

/** The real auth and meetings services with signaling over a real Janus: presence follows the data. */
describe('presence after sign-out and meeting deletion', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let t: TestApp;
  let owner: TestClient;

  const socketFor = (client: TestClient) => app.connect({ cookieHeader: client.cookie ?? '' });
  const guestSocket = async (meetingId: string, displayName: string) => {
    const socket = await app.connect();
    assert.equal((await socket.request({ type: 'join', meetingId, displayName })).type, 'joined');
    return socket;
  };
  const newMeeting = async (name: string) =>
    (await owner.post('/api/meetings', { name })).json<MeetingView>();

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    t = app.t;
    ({ client: owner } = await setUp(t));
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('IAM-LOCAL: signing out ends that session’s live meeting connections, and only those', async () => {
    const meeting = await newMeeting('Sign-out check');
    const laptop = new TestClient(t.app);
    assert.equal((await laptop.signIn('ada@acme.test', 'correct horse battery staple')).statusCode, 200);
    const onLaptop = await socketFor(laptop);
    assert.equal((await onLaptop.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const onDesk = await socketFor(owner);
    assert.equal((await onDesk.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const unjoined = await socketFor(laptop);

    assert.equal((await laptop.post('/api/auth/sign-out')).statusCode, 204);
    const ended = await onLaptop.next('disconnected');
    assert.equal(ended.reason, 'session_ended');
    await onLaptop.closed();
    await unjoined.closed();
    const left = await onDesk.next('participantLeft');
    assert.ok(left.participantId);
    assert.equal(onDesk.open, true, 'the other session stays in the meeting');
    assert.equal(t.app.server.listening, true);
    // A socket of the ended session cannot join again.
    const again = await socketFor(laptop);
    const refused = await again.request({ type: 'join', meetingId: meeting.id });
    assert.equal(refused.type === 'error' && refused.code, 'unauthorized');
    for (const s of [onDesk, again]) s.close();
  });

  test('MEET-CREATE: deleting a meeting ends it for everyone in it, guests included', async () => {
    const meeting = await newMeeting('Deleted while in use');
    const other = await newMeeting('Unrelated');
    const host = await socketFor(owner);
    assert.equal((await host.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const guest = await guestSocket(meeting.id, 'Gina');
    const bystander = await guestSocket(other.id, 'Bea');

    assert.equal((await owner.delete(`/api/meetings/${meeting.id}`)).statusCode, 204);
    for (const s of [host, guest]) {
      const ended = await s.next('disconnected');
      assert.equal(ended.reason, 'meeting_ended');
      assert.equal(ended.message, 'This meeting has ended');
      await s.closed();
    }
    assert.equal(bystander.open, true, 'another meeting is untouched');
    const late = await socketFor(owner);
    const refused = await late.request({ type: 'join', meetingId: meeting.id });
    assert.equal(refused.type === 'error' && refused.code, 'meeting_not_found');
    for (const s of [bystander, late]) s.close();
  });
});
