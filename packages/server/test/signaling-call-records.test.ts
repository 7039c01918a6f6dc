import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, SessionView, UsageReport } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;
const MINUTE = 60_000;

/** Call records (PRIV-CDR) of a meeting held over signaling, with a real Janus, read back in a report (ADM-USAGE). */
describeEachDatabase('PRIV-CDR over signaling', (kind) => {
  describe('joins and leaves', { skip }, () => {
    let database: TestDatabase;
    let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
    let ada: TestClient;
    let bob: TestClient;
    let bobId: string;
    const clock = new ManualClock(new Date('2026-05-04T08:00:00.000Z'));

    before(async () => {
      database = await createTestDatabase(kind);
      app = await startAppWithSignaling(database, { clock, emptyGraceMs: 50 });
      const done = await setUp(app.t);
      ada = done.client;
      [bob] = await signedInUsers(app.t, database, done.session.organisation.id, ['Bob']);
      bobId = (await bob.get('/api/auth/session')).json<SessionView>().user.id;
    });
    after(async () => {
      await app?.stop();
      await database?.close();
    });

    test('PRIV-CDR: a meeting’s participants are recorded as they join and leave, with the media server and region that carried them; the report counts them', async () => {
      const meeting = (await bob.post('/api/meetings', { name: 'Weekly' })).json<MeetingView>();
      const owner = await app.socketOf(bob);
      const joined = await owner.request({ type: 'join', meetingId: meeting.id });
      assert.equal(joined.type, 'joined');
      clock.advance(5 * MINUTE);
      const guest = await app.socketOf();
      const guestJoined = await guest.request({ type: 'join', meetingId: meeting.id, displayName: 'Gina' });
      assert.equal(guestJoined.type, 'joined');
      clock.advance(10 * MINUTE);
      guest.close();
      await owner.next('participantLeft', () => true);
      clock.advance(5 * MINUTE);
      owner.close();
      await app.t.services.callLedger.settled();
      // The room empties, its grace passes, and the call ends when the last one left.
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await app.t.services.callLedger.settled();
        const open = await database.db
          .selectFrom('call_records')
          .select('ended_at')
          .where('meeting_id', '=', meeting.id)
          .executeTakeFirst();
        if (open?.ended_at) break;
      }

      const rows = await database.db
        .selectFrom('call_participants')
        .innerJoin('call_records', 'call_records.id', 'call_participants.call_id')
        .select([
          'call_participants.subject',
          'call_participants.joined_at',
          'call_participants.left_at',
          'call_participants.media_server',
          'call_participants.region',
          'call_records.started_at',
          'call_records.ended_at',
        ])
        .where('call_records.meeting_id', '=', meeting.id)
        .orderBy('call_participants.joined_at')
        .execute();
      assert.equal(rows.length, 2);
      const [b, g] = rows;
      assert.equal(b!.subject, `u:${bobId}`);
      assert.match(g!.subject, /^g:/);
      assert.deepEqual(
        [b!.joined_at, b!.left_at, g!.joined_at, g!.left_at],
        [
          '2026-05-04T08:00:00.000Z',
          '2026-05-04T08:20:00.000Z',
          '2026-05-04T08:05:00.000Z',
          '2026-05-04T08:15:00.000Z',
        ],
      );
      for (const r of rows) {
        assert.equal(r.region, 'default', 'the media region');
        assert.ok(r.media_server, 'the media server');
        assert.equal(r.started_at, '2026-05-04T08:00:00.000Z');
        assert.equal(r.ended_at, '2026-05-04T08:20:00.000Z');
      }

      const res = await ada.get('/api/reports/usage?from=2026-05-04&to=2026-05-04&timeZone=UTC');
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<UsageReport>();
      assert.deepEqual(report.totals, { meetings: 1, participants: 2, minutes: 30, guests: 1 });
      assert.deepEqual(
        report.users.map((u) => [u.displayName, u.minutes]),
        [['Bob', 20]],
      );
    });
  });
});
