import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  NOTIFICATIONS_PATH,
  ROOM_NOTIFICATIONS_PATH,
  type CallView,
  type MeetingView,
  type ServerMessage,
  type UsageReport,
} from '@conclave/protocol';
import {
  addOrganisation,
  addUser,
  PUBLIC_URL,
  setUp,
  signedInClient,
  signedInUsers,
  type TestClient,
} from './support/app';
import { Listener, refusedWith } from './support/notifications';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { pairedScreen } from './support/room-screen';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);

/**
 * A room system in meetings (ADM-ROOMS, IAM-REVOKE), over signaling with a real Janus: paired over
 * the API, it joins by its room cookie, others see it as a room system, and revoking it ends its
 * live connection within seconds.
 */
describeEachDatabase('room systems in meetings', (kind) => {
  describe('over signaling', { skip }, () => {
    let database: TestDatabase;
    let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
    let ada: TestClient;
    let bob: TestClient;
    let carol: TestClient;
    const listeners: Listener[] = [];
    const origin = new URL(PUBLIC_URL).origin;
    const notificationsUrl = (path: string) => {
      const address = app.t.app.server.address();
      return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${path}`;
    };
    /** A room screen's notification socket, by its room cookie. */
    const listenAsRoom = async (cookie: string) => {
      const l = await Listener.open(notificationsUrl(ROOM_NOTIFICATIONS_PATH), { cookie, origin });
      listeners.push(l);
      return l;
    };

    before(async () => {
      database = await createTestDatabase(kind);
      app = await startAppWithSignaling(database);
      const done = await setUp(app.t);
      ada = done.client;
      [bob, carol] = await signedInUsers(app.t, database, done.session.organisation.id, ['Bob', 'Carol']);
    });
    after(async () => {
      for (const l of listeners) l.close();
      await app?.stop();
      await database?.close();
    });

    test('ADM-ROOMS: a paired screen joins a meeting as its room system, shown to others as a room system and named in usage reports', async () => {
      const { screen, room } = await pairedScreen(app.t.app, ada, 'Boardroom');
      const m = (await bob.post('/api/meetings', { name: 'Weekly' })).json<MeetingView>();
      const host = await app.socketOf(bob);
      assert.equal(outcome(await host.request({ type: 'join', meetingId: m.id })), 'joined');

      // Without the flag the screen is nobody: it has no personal session.
      const plain = await app.socketOf({ cookie: screen.cookie });
      assert.equal(outcome(await plain.request({ type: 'join', meetingId: m.id })), 'unauthorized');

      const s = await app.socketOf({ cookie: screen.cookie });
      const joined = await s.request({ type: 'join', meetingId: m.id, roomSystem: true });
      assert.ok(joined.type === 'joined', JSON.stringify(joined));
      const me = joined.participants.find((p) => p.id === joined.participantId);
      assert.deepEqual([me?.displayName, me?.kind, me?.moderator], ['Boardroom', 'room', false]);
      const seen = await host.next('participantJoined');
      assert.deepEqual([seen.participant.displayName, seen.participant.kind], ['Boardroom', 'room']);

      // It is no moderator: it may not remove anyone.
      const hostId = joined.participants.find((p) => p.displayName === 'Bob')!.id;
      const removal = await s.request({ type: 'removeParticipants', participantIds: [hostId] });
      assert.equal(outcome(removal), 'forbidden');

      await app.t.services.callLedger.settled();
      app.t.clock.advance(120_000);
      const day = app.t.clock.now().toISOString().slice(0, 10);
      const report = (await ada.get(`/api/reports/usage?from=${day}&to=${day}`)).json<UsageReport>();
      assert.deepEqual(
        report.roomSystems.map((r) => [r.roomSystemId, r.name]),
        [[room.id, 'Boardroom']],
        'usage reports name room systems',
      );
      for (const socket of [plain, s, host]) socket.close();
    });

    test('ADM-ROOMS: a room system enters a meeting with a passcode only with the passcode, even one it is invited to (as an invited person does)', async () => {
      const { screen, room } = await pairedScreen(app.t.app, ada, 'Huddle');
      const m = (
        await bob.post('/api/meetings', { name: 'Locked', roomSystemIds: [room.id] })
      ).json<MeetingView>();
      assert.deepEqual(m.roomSystems, [{ id: room.id, name: 'Huddle' }]);
      await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '864213' });
      const s = await app.socketOf({ cookie: screen.cookie });
      assert.equal(
        outcome(await s.request({ type: 'join', meetingId: m.id, roomSystem: true })),
        'passcode_required',
      );
      const s2 = await app.socketOf({ cookie: screen.cookie });
      const joined = await s2.request({
        type: 'join',
        meetingId: m.id,
        roomSystem: true,
        passcode: '864213',
      });
      assert.equal(outcome(joined), 'joined');
      for (const socket of [s, s2]) socket.close();
    });

    test('IAM-REVOKE: revoking a room system closes its signaling socket within seconds; it cannot join again', async () => {
      const { screen, room } = await pairedScreen(app.t.app, ada, 'Lab');
      const m = (await bob.post('/api/meetings', { name: 'Standup' })).json<MeetingView>();
      const host = await app.socketOf(bob);
      assert.equal(outcome(await host.request({ type: 'join', meetingId: m.id })), 'joined');
      const s = await app.socketOf({ cookie: screen.cookie });
      assert.equal(outcome(await s.request({ type: 'join', meetingId: m.id, roomSystem: true })), 'joined');
      const idle = await app.socketOf({ cookie: screen.cookie });

      const started = performance.now();
      assert.equal((await ada.post(`/api/room-systems/${room.id}/revoke`, {})).statusCode, 200);
      assert.equal((await s.next('disconnected')).reason, 'session_ended');
      await s.closed();
      await idle.closed();
      assert.ok(performance.now() - started < 5_000, 'within seconds');
      assert.ok((await host.next('participantLeft')).participantId, 'the others see it leave');

      const again = await app.socketOf({ cookie: screen.cookie });
      assert.equal(
        outcome(await again.request({ type: 'join', meetingId: m.id, roomSystem: true })),
        'unauthorized',
      );
      assert.equal((await screen.request('GET', '/api/room-systems/session')).statusCode, 401);
      for (const socket of [again, host]) socket.close();
    });

    test('MEET-ADD: a moderator rings a room system into a running meeting; its screen hears it on its own socket, accepts by its room cookie and joins', async () => {
      const { screen, room } = await pairedScreen(app.t.app, ada, 'Aquarium');
      const m = (await bob.post('/api/meetings', { name: 'Design review' })).json<MeetingView>();
      const host = await app.socketOf(bob);
      assert.equal(outcome(await host.request({ type: 'join', meetingId: m.id })), 'joined');
      const ringing = await listenAsRoom(screen.cookie);

      const res = await bob.post('/api/calls', { roomSystemId: room.id, meetingId: m.id });
      assert.equal(res.statusCode, 201, res.body);
      const call = res.json<CallView>();
      assert.deepEqual([call.kind, call.callee], ['add', { id: room.id, name: 'Aquarium', kind: 'room' }]);
      await ringing.until(() => ringing.of('incomingCall').length === 1, 'the room to ring');
      const ring = ringing.of('incomingCall')[0]!;
      assert.ok(ring.type === 'incomingCall');
      assert.deepEqual(
        [ring.call.caller.name, ring.call.meeting],
        ['Bob', { id: m.id, name: 'Design review' }],
      );

      // Only the room's own screen answers: a person's session, even the caller's, is not it.
      const byPerson = await bob.post(`/api/room-systems/session/calls/${call.id}/accept`, {});
      assert.equal(byPerson.statusCode, 401);
      const accepted = await screen.request('POST', `/api/room-systems/session/calls/${call.id}/accept`);
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json<CallView>().state, 'accepted');
      const again = await screen.request('POST', `/api/room-systems/session/calls/${call.id}/accept`);
      assert.equal(again.statusCode, 409, 'a call is taken once');

      // The room joins; the moderator sees it come in as a room system.
      const s = await app.socketOf({ cookie: screen.cookie });
      assert.equal(outcome(await s.request({ type: 'join', meetingId: m.id, roomSystem: true })), 'joined');
      const seen = await host.next('participantJoined');
      assert.deepEqual([seen.participant.displayName, seen.participant.kind], ['Aquarium', 'room']);
      const audit = await ada.get('/api/audit?action=meeting.personRung');
      const events = audit.json<{ events: { target: { id: string }; details: Record<string, string> }[] }>();
      assert.deepEqual([events.events[0]?.target.id, events.events[0]?.details.callee], [m.id, 'Aquarium']);
      for (const socket of [s, host]) socket.close();
    });

    test('MEET-ADD: ringing a room system is for moderators of a running meeting, of its own organisation, and a revoked screen stops hearing', async () => {
      const { screen, room } = await pairedScreen(app.t.app, ada, 'Cellar');
      const m = (await bob.post('/api/meetings', { name: 'Planning' })).json<MeetingView>();
      const ring = (from: TestClient, body: Record<string, string>) => from.post('/api/calls', body);
      const codeOf = (res: { json<T>(): T }) => res.json<{ code: string }>().code;

      const notLive = await ring(bob, { roomSystemId: room.id, meetingId: m.id });
      assert.deepEqual([notLive.statusCode, codeOf(notLive)], [409, 'meeting_not_live']);
      const host = await app.socketOf(bob);
      assert.equal(outcome(await host.request({ type: 'join', meetingId: m.id })), 'joined');
      // A room system has no meeting of its own to take a direct call in.
      const direct = await ring(bob, { roomSystemId: room.id });
      assert.deepEqual([direct.statusCode, codeOf(direct)], [400, 'validation_failed']);
      const both = await ring(bob, { roomSystemId: room.id, calleeId: room.id, meetingId: m.id });
      assert.equal(both.statusCode, 400);
      const byUser = await ring(carol, { roomSystemId: room.id, meetingId: m.id });
      assert.deepEqual([byUser.statusCode, codeOf(byUser)], [403, 'forbidden']);

      const globex = await addOrganisation(database, 'Globex');
      await addUser(database, globex, {
        email: 'olga@globex.test',
        password: 'Olga long password',
        displayName: 'Olga',
        role: 'administrator',
      });
      const olga = await signedInClient(app.t, 'olga@globex.test', 'Olga long password');
      const { room: theirs } = await pairedScreen(app.t.app, olga, 'Their room');
      const stranger = await ring(bob, { roomSystemId: theirs.id, meetingId: m.id });
      assert.deepEqual([stranger.statusCode, codeOf(stranger)], [404, 'room_system_not_found']);

      // Hidden from Users, and so not to be rung by one who moderates only their own meetings.
      assert.equal((await ada.patch(`/api/room-systems/${room.id}`, { hidden: true })).statusCode, 200);
      const hidden = await ring(bob, { roomSystemId: room.id, meetingId: m.id });
      assert.deepEqual([hidden.statusCode, codeOf(hidden)], [404, 'room_system_not_found']);
      assert.equal((await ada.patch(`/api/room-systems/${room.id}`, { hidden: false })).statusCode, 200);

      // Its socket needs the room cookie; with it, revocation closes it as a signed-out session.
      assert.equal(await refusedWith(notificationsUrl(ROOM_NOTIFICATIONS_PATH), { origin }), 401);
      assert.equal(
        await refusedWith(notificationsUrl(NOTIFICATIONS_PATH), { cookie: screen.cookie, origin }),
        401,
        'without ?as=room the room cookie is nobody',
      );
      const ringing = await listenAsRoom(screen.cookie);
      assert.equal((await ada.post(`/api/room-systems/${room.id}/revoke`, {})).statusCode, 200);
      await ringing.until(() => ringing.closed !== null, 'the room socket to close');
      assert.equal(ringing.closed!.code, 4001);
      const revoked = await ring(bob, { roomSystemId: room.id, meetingId: m.id });
      assert.deepEqual([revoked.statusCode, codeOf(revoked)], [404, 'room_system_not_found']);
      host.close();
    });
  });
});
