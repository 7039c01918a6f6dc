import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingView, SessionView, UsageReport } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import type { Attendance } from '../src/domain';
import { setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const at = (time: string) => new Date(time);

/**
 * Usage reports (ADM-USAGE) over a seeded set of call records (PRIV-CDR), written through the ledger
 * the rooms report to: totals per day, person and meeting, CSV byte for byte, time zones, who may see.
 */
describeEachDatabase('ADM-USAGE: usage reports', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let sam: TestClient;
  let bob: TestClient;
  let session: SessionView;
  const ids: Record<string, string> = {};
  let standup: MeetingView;
  let review: MeetingView;
  let n = 0;

  const attend = (who: string, meeting: MeetingView, joined: string, left: string | null) => {
    const a: Attendance = {
      participantId: `p-${++n}`,
      meetingId: meeting.id,
      organisationId: session.organisation.id,
      subject: who.startsWith('guest') ? `g:${who}` : `u:${ids[who]}`,
      joinedAt: joined,
      mediaServer: 'janus-1',
      region: 'eu',
    };
    t.services.callLedger.joined(a);
    if (left) t.services.callLedger.left(a.participantId, at(left));
    return a;
  };
  const end = (meeting: MeetingView, when: string) => t.services.callLedger.ended(meeting.id, at(when));
  const report = async (client: TestClient, query: string) => {
    const res = await client.get(`/api/reports/usage?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<UsageReport>();
  };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { clock: new ManualClock(at('2026-03-01T00:00:00.000Z')) });
    const done = await setUp(t);
    ada = done.client;
    session = done.session;
    ids.Ada = session.user.id;
    [sam, bob] = await signedInUsers(t, database, session.organisation.id, ['Sam', 'Bob'], {
      Sam: 'superuser',
    });
    for (const [name, client] of [
      ['Sam', sam],
      ['Bob', bob],
    ] as const) {
      ids[name] = (await client.get('/api/auth/session')).json<SessionView>().user.id;
    }
    standup = (await bob.post('/api/meetings', { name: 'Standup' })).json<MeetingView>();
    review = (await ada.post('/api/meetings', { name: 'Design, "final" review' })).json<MeetingView>();

    // 2 March (UTC): the standup, 09:50–10:20, Bob the whole time, Sam from 10:00, a guest for 5 min;
    // Bob's connection drops at 10:05 and he is back at 10:06 (one participant, two participations).
    attend('Bob', standup, '2026-03-02T09:50:00.000Z', '2026-03-02T10:05:00.000Z');
    attend('Sam', standup, '2026-03-02T10:00:00.000Z', '2026-03-02T10:20:00.000Z');
    attend('guest-1', standup, '2026-03-02T10:10:00.000Z', '2026-03-02T10:15:00.000Z');
    attend('Bob', standup, '2026-03-02T10:06:00.000Z', '2026-03-02T10:20:00.000Z');
    end(standup, '2026-03-02T10:20:00.000Z');
    // 2 March 23:30 to 3 March 00:30 UTC (in Berlin: 3 March 00:30–01:30): the review, Ada and Bob.
    attend('Ada', review, '2026-03-02T23:30:00.000Z', '2026-03-03T00:30:00.000Z');
    attend('Bob', review, '2026-03-02T23:30:00.000Z', '2026-03-03T00:30:00.000Z');
    end(review, '2026-03-03T00:30:00.000Z');
    // The standup again on 4 March: Bob alone for 10 minutes.
    attend('Bob', standup, '2026-03-04T08:00:00.000Z', '2026-03-04T08:10:00.000Z');
    end(standup, '2026-03-04T08:10:00.000Z');
    await t.services.callLedger.settled();
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('ADM-USAGE: totals per day, person and meeting match the records, in UTC', async () => {
    const r = await report(sam, 'from=2026-03-01&to=2026-03-04&timeZone=UTC');
    assert.deepEqual(r.totals, {
      meetings: 3,
      participants: 6,
      minutes: 29 + 20 + 5 + 60 + 60 + 10,
      guests: 1,
    });
    assert.deepEqual(r.days, [
      { date: '2026-03-01', meetings: 0, participants: 0, minutes: 0 },
      { date: '2026-03-02', meetings: 2, participants: 5, minutes: 29 + 20 + 5 + 30 + 30 },
      { date: '2026-03-03', meetings: 0, participants: 0, minutes: 30 + 30 },
      { date: '2026-03-04', meetings: 1, participants: 1, minutes: 10 },
    ]);
    assert.deepEqual(
      r.users.map((u) => [u.displayName, u.email, u.meetings, u.minutes]),
      [
        ['Bob', 'bob@acme.test', 3, 29 + 60 + 10],
        ['Ada Admin', 'ada@acme.test', 1, 60],
        ['Sam', 'sam@acme.test', 1, 20],
      ],
    );
    assert.deepEqual(
      r.meetings.map((m) => [m.name, m.held, m.participants, m.minutes]),
      [
        ['Design, "final" review', 1, 2, 120],
        ['Standup', 2, 4, 29 + 20 + 5 + 10],
      ],
    );
    assert.deepEqual(r.roomSystems, []);
  });

  test('ADM-USAGE: days are the chosen time zone’s: in Berlin the review is on 3 March, and a period cuts at local midnight', async () => {
    const r = await report(sam, 'from=2026-03-03&to=2026-03-03&timeZone=Europe%2FBerlin');
    assert.deepEqual(r.days, [{ date: '2026-03-03', meetings: 1, participants: 2, minutes: 120 }]);
    assert.deepEqual(r.totals, { meetings: 1, participants: 2, minutes: 120, guests: 0 });
    assert.deepEqual(
      r.meetings.map((m) => m.name),
      ['Design, "final" review'],
    );
  });

  test('ADM-USAGE: each table downloads as CSV, byte for byte', async () => {
    const csv = async (table: string) => {
      const res = await sam.get(
        `/api/reports/usage.csv?from=2026-03-01&to=2026-03-04&timeZone=UTC&table=${table}`,
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.equal(
        res.headers['content-disposition'],
        `attachment; filename="conclave-usage-${table}-2026-03-01-to-2026-03-04.csv"`,
      );
      return res.body;
    };
    assert.equal(
      await csv('days'),
      'Date,Meetings,Participants,Minutes\r\n2026-03-01,0,0,0\r\n2026-03-02,2,5,114\r\n2026-03-03,0,0,60\r\n2026-03-04,1,1,10\r\n',
    );
    assert.equal(
      await csv('users'),
      'Name,Email,Meetings,Minutes\r\nBob,bob@acme.test,3,99\r\nAda Admin,ada@acme.test,1,60\r\nSam,sam@acme.test,1,20\r\n',
    );
    assert.equal(
      await csv('meetings'),
      'Meeting,Times held,Participants,Minutes\r\n"Design, ""final"" review",1,2,120\r\nStandup,2,4,64\r\n',
    );
    assert.equal(await csv('roomSystems'), 'Room system,Meetings,Minutes\r\n');
  });

  test('ADM-USAGE: a meeting going on now counts its time so far', async () => {
    t.clock.set(at('2026-03-05T12:00:00.000Z'));
    const live = attend('Sam', standup, '2026-03-05T11:45:00.000Z', null);
    await t.services.callLedger.settled();
    const r = await report(sam, 'from=2026-03-05&to=2026-03-05&timeZone=UTC');
    assert.deepEqual(r.totals, { meetings: 1, participants: 1, minutes: 15, guests: 0 });
    t.services.callLedger.left(live.participantId, at('2026-03-05T12:30:00.000Z'));
    t.services.callLedger.ended(standup.id, at('2026-03-05T12:30:00.000Z'));
    await t.services.callLedger.settled();
    t.clock.set(at('2026-03-06T00:00:00.000Z'));
    assert.equal((await report(sam, 'from=2026-03-05&to=2026-03-05&timeZone=UTC')).totals.minutes, 45);
  });

  test('ADM-USAGE: only Superusers and Administrators see reports; a period must make sense', async () => {
    assert.equal((await report(ada, 'from=2026-03-01&to=2026-03-04')).totals.meetings, 3);
    const refused = await bob.get('/api/reports/usage?from=2026-03-01&to=2026-03-04');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'forbidden');
    const csvRefused = await bob.get('/api/reports/usage.csv?from=2026-03-01&to=2026-03-04&table=users');
    assert.equal(csvRefused.statusCode, 403);
    assert.equal(
      (await new TestClient(t.app).get('/api/reports/usage?from=2026-03-01&to=2026-03-04')).statusCode,
      401,
    );
    for (const query of [
      'from=2026-03-04&to=2026-03-01',
      'from=2026-03-01&to=2030-03-01',
      'from=yesterday&to=2026-03-01',
      'from=2026-03-01&to=2026-03-04&timeZone=Mars%2FOlympus',
      'from=2026-03-01&to=2026-03-04&extra=1',
    ]) {
      const res = await sam.get(`/api/reports/usage?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json<{ code: string }>().code, 'validation_failed', query);
    }
    const badTable = await sam.get('/api/reports/usage.csv?from=2026-03-01&to=2026-03-04&table=secrets');
    assert.equal(badTable.statusCode, 400);
  });
});
