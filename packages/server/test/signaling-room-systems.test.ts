import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ServerMessage, UsageReport } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
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

    before(async () => {
      database = await createTestDatabase(kind);
      app = await startAppWithSignaling(database);
      const done = await setUp(app.t);
      ada = done.client;
      [bob] = await signedInUsers(app.t, database, done.session.organisation.id, ['Bob']);
    });
    after(async () => {
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

      const started = Date.now();
      assert.equal((await ada.post(`/api/room-systems/${room.id}/revoke`, {})).statusCode, 200);
      assert.equal((await s.next('disconnected')).reason, 'session_ended');
      await s.closed();
      await idle.closed();
      assert.ok(Date.now() - started < 5_000, 'within seconds');
      assert.ok((await host.next('participantLeft')).participantId, 'the others see it leave');

      const again = await app.socketOf({ cookie: screen.cookie });
      assert.equal(
        outcome(await again.request({ type: 'join', meetingId: m.id, roomSystem: true })),
        'unauthorized',
      );
      assert.equal((await screen.request('GET', '/api/room-systems/session')).statusCode, 401);
      for (const socket of [again, host]) socket.close();
    });
  });
});
