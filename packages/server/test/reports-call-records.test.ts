import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ManualClock } from '../src/common/clock';
import type { Attendance } from '../src/domain';
import { CallRecordLedger, CallRecordStore } from '../src/reports';
import { UNSEEN_AFTER_MS } from '../src/reports/ledger';
import { addOrganisation } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const MINUTE = 60_000;

/**
 * Call records (PRIV-CDR) as the ledger writes them from what rooms report: each participation once,
 * taken over by another node without a second record, ended where it was last seen when its node died.
 */
describeEachDatabase('PRIV-CDR: call records', (kind) => {
  let database: TestDatabase;
  let organisationId: string;
  let clock: ManualClock;
  let ledger: CallRecordLedger;
  /** A second node's ledger over the same database. */
  let other: CallRecordLedger;
  const failures: unknown[] = [];
  let n = 0;

  const attendance = (meetingId: string, subject: string): Attendance => ({
    participantId: `p-${++n}`,
    meetingId,
    organisationId,
    subject,
    joinedAt: clock.now().toISOString(),
    mediaServer: 'janus-eu-1',
    region: 'eu',
  });
  const settled = () => Promise.all([ledger.settled(), other.settled()]);
  const participations = (meetingId: string) =>
    database.db
      .selectFrom('call_participants')
      .innerJoin('call_records', 'call_records.id', 'call_participants.call_id')
      .select([
        'call_participants.participant_id',
        'call_participants.subject',
        'call_participants.joined_at',
        'call_participants.left_at',
        'call_participants.media_server',
        'call_participants.region',
        'call_records.started_at',
        'call_records.ended_at',
      ])
      .where('call_records.meeting_id', '=', meetingId)
      .orderBy('call_participants.joined_at')
      .execute();

  before(async () => {
    database = await createTestDatabase(kind);
    organisationId = await addOrganisation(database, 'Acme');
  });
  beforeEach(() => {
    clock = new ManualClock(new Date('2026-04-01T09:00:00.000Z'));
    const store = new CallRecordStore(database.db);
    ledger = new CallRecordLedger(store, clock, (err) => failures.push(err));
    other = new CallRecordLedger(store, clock, (err) => failures.push(err));
  });
  after(async () => {
    assert.deepEqual(failures, [], 'no write failed');
    await database?.close();
  });

  test('PRIV-CDR: a participation is kept with its meeting, who by id, join and leave times, media server and region; no media, no chat', async () => {
    const a = attendance('meeting-1', 'u:user-1');
    ledger.joined(a);
    clock.advance(5 * MINUTE);
    const g = attendance('meeting-1', 'g:guest-1');
    ledger.joined(g);
    clock.advance(10 * MINUTE);
    ledger.left(g.participantId, clock.now());
    ledger.left(a.participantId, clock.now());
    ledger.ended('meeting-1', clock.now());
    await settled();
    assert.deepEqual(await participations('meeting-1'), [
      {
        participant_id: a.participantId,
        subject: 'u:user-1',
        joined_at: '2026-04-01T09:00:00.000Z',
        left_at: '2026-04-01T09:15:00.000Z',
        media_server: 'janus-eu-1',
        region: 'eu',
        started_at: '2026-04-01T09:00:00.000Z',
        ended_at: '2026-04-01T09:15:00.000Z',
      },
      {
        participant_id: g.participantId,
        subject: 'g:guest-1',
        joined_at: '2026-04-01T09:05:00.000Z',
        left_at: '2026-04-01T09:15:00.000Z',
        media_server: 'janus-eu-1',
        region: 'eu',
        started_at: '2026-04-01T09:00:00.000Z',
        ended_at: '2026-04-01T09:15:00.000Z',
      },
    ]);
    // What the records are made of: nothing that could hold a picture, a sound or a word said.
    const tables = await database.db.introspection.getTables();
    for (const name of ['call_records', 'call_participants', 'usage_sums']) {
      const columns = tables.find((t) => t.name === name)?.columns.map((c) => c.name) ?? [];
      assert.ok(columns.length > 0, name);
      assert.deepEqual(
        columns.filter((c) => /media$|body|chat|frame|audio|video|text|name|email/.test(c)),
        [],
        `${name} holds ids, times and places only`,
      );
    }
  });

  test('PRIV-CDR: a meeting held twice is two calls; a rejoin within the same call is one participant', async () => {
    const first = attendance('meeting-2', 'u:user-1');
    ledger.joined(first);
    clock.advance(MINUTE);
    ledger.left(first.participantId, clock.now());
    // Back before the room's grace is over: the same call.
    const again = attendance('meeting-2', 'u:user-1');
    ledger.joined(again);
    clock.advance(MINUTE);
    ledger.left(again.participantId, clock.now());
    ledger.ended('meeting-2', clock.now());
    clock.advance(60 * MINUTE);
    const later = attendance('meeting-2', 'u:user-1');
    ledger.joined(later);
    clock.advance(MINUTE);
    ledger.left(later.participantId, clock.now());
    ledger.ended('meeting-2', clock.now());
    await settled();
    const calls = await database.db
      .selectFrom('call_records')
      .select(['started_at', 'ended_at'])
      .where('meeting_id', '=', 'meeting-2')
      .orderBy('started_at')
      .execute();
    assert.deepEqual(calls, [
      { started_at: '2026-04-01T09:00:00.000Z', ended_at: '2026-04-01T09:02:00.000Z' },
      { started_at: '2026-04-01T10:02:00.000Z', ended_at: '2026-04-01T10:03:00.000Z' },
    ]);
    const sums = await database.db
      .selectFrom('usage_sums')
      .select((eb) => [
        eb.fn.sum<number | string>('held').as('held'),
        eb.fn.sum<number | string>('participants').as('participants'),
        eb.fn.sum<number | string>('seconds').as('seconds'),
      ])
      .where('dimension', '=', 'meeting')
      .where('span', '=', 'month')
      .where('key', '=', 'meeting-2')
      .executeTakeFirstOrThrow();
    assert.deepEqual([Number(sums.held), Number(sums.participants), Number(sums.seconds)], [2, 2, 180]);
  });

  test('PRIV-CDR: a node taking a meeting over reports the same participation without a second record, and its leave ends it', async () => {
    const a = attendance('meeting-3', 'u:user-1');
    ledger.joined(a);
    ledger.joined(a);
    clock.advance(2 * MINUTE);
    // The owner node died; the node that took the meeting up holds the participant now.
    other.present([a]);
    clock.advance(2 * MINUTE);
    other.present([a]);
    other.left(a.participantId, clock.now());
    await settled();
    const rows = await participations('meeting-3');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.left_at, '2026-04-01T09:04:00.000Z');
    const { count } = await database.db
      .selectFrom('call_records')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('meeting_id', '=', 'meeting-3')
      .executeTakeFirstOrThrow();
    assert.equal(Number(count), 1);
  });

  test('PRIV-CDR: a participation whose node died without a word ends where it was last seen, and so does its call', async () => {
    const a = attendance('meeting-4', 'u:user-2');
    ledger.joined(a);
    clock.advance(MINUTE);
    ledger.present([a]);
    await settled();
    const lastSeen = clock.now().toISOString();
    // The node is gone: nobody reports it any more. Another node's report, a little too early: kept.
    clock.advance(UNSEEN_AFTER_MS - 1000);
    other.present([]);
    await settled();
    assert.equal((await participations('meeting-4'))[0]!.left_at, null, 'not yet');
    clock.advance(2000);
    other.present([]);
    await settled();
    const [row] = await participations('meeting-4');
    assert.equal(row!.left_at, lastSeen);
    assert.equal(row!.ended_at, lastSeen, 'nobody is in its call since: it ends there too');
  });
});
