import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AdminUserView, MeetingView } from '@conclave/protocol';
import { setUp, signedInUsers, TestClient, type TestApp } from './support/app';
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
  let organisationId: string;

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
    const done = await setUp(t);
    owner = done.client;
    organisationId = done.session.organisation.id;
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

  test('IAM-REVOKE: revoking a person ends their sessions and live meeting connections at once; they cannot sign in until restored', async () => {
    const meeting = await newMeeting('Revocation check');
    const [bob] = await signedInUsers(t, database, organisationId, ['Bob']);
    const bobsSocket = await socketFor(bob);
    assert.equal((await bobsSocket.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const host = await socketFor(owner);
    assert.equal((await host.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const bobsId = (await owner.get('/api/users'))
      .json<{ users: AdminUserView[] }>()
      .users.find((u) => u.displayName === 'Bob')!.id;

    const started = performance.now();
    const revoked = await owner.post(`/api/users/${bobsId}/revoke`, {});
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json<AdminUserView>().revoked, true);
    assert.equal((await bobsSocket.next('disconnected')).reason, 'session_ended');
    await bobsSocket.closed();
    assert.ok(performance.now() - started < 5_000, 'within seconds');
    assert.ok((await host.next('participantLeft')).participantId, 'the others see him leave');
    assert.equal((await bob.get('/api/auth/session')).statusCode, 401, 'his session is gone');

    const again = new TestClient(t.app);
    const refused = await again.signIn('bob@acme.test', 'Bob long password');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'access_revoked');
    const guessing = await again.signIn('bob@acme.test', 'not his password');
    assert.equal(
      guessing.json<{ code: string }>().code,
      'invalid_credentials',
      'a wrong password learns nothing about the revocation',
    );

    assert.equal((await owner.post(`/api/users/${bobsId}/restore`, {})).statusCode, 200);
    assert.equal((await again.signIn('bob@acme.test', 'Bob long password')).statusCode, 200, 'restored');
    host.close();
  });

  test('IAM-REVOKE: deleting a person ends their meetings for everyone in them', async () => {
    const [dora] = await signedInUsers(t, database, organisationId, ['Dora']);
    const meeting = (await dora.post('/api/meetings', { name: 'Dora’s' })).json<MeetingView>();
    const guest = await guestSocket(meeting.id, 'Gina');
    const dorasId = (await owner.get('/api/users'))
      .json<{ users: AdminUserView[] }>()
      .users.find((u) => u.displayName === 'Dora')!.id;
    assert.equal((await owner.delete(`/api/users/${dorasId}`)).statusCode, 204);
    assert.equal((await guest.next('disconnected')).reason, 'meeting_ended');
    assert.equal((await dora.get('/api/auth/session')).statusCode, 401);
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
