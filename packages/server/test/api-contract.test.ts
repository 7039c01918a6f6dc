import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuditPageView, ContractView, MeetingView } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import { logsFolder } from '../src/http';
import { RetentionJob } from '../src/retention';
import {
  ADMIN,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  TestClient,
  type TestApp,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const DAY = 24 * 60 * 60 * 1000;

describeEachDatabase('PRIV-RETENTION: the organisation’s contract, over the API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let clock: ManualClock;
  let ada: TestClient;
  let sam: TestClient;
  let carol: TestClient;

  before(async () => {
    database = await createTestDatabase(kind);
    clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
    t = await startTestApp(database, { clock });
    const done = await setUp(t);
    ada = done.client;
    [sam, carol] = await signedInUsers(t, database, done.session.organisation.id, ['Sam', 'Carol'], {
      Sam: 'superuser',
    });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const contract = async () => {
    const res = await ada.get('/api/organisation/contract');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<ContractView>();
  };
  const audited = async (action: string) =>
    (await ada.get(`/api/audit?action=${action}`)).json<AuditPageView>().events;

  test('PRIV-RETENTION: only the Administrator sees, ends and resumes the contract: a Superuser and a User are refused (403), someone signed out too (401)', async () => {
    assert.deepEqual(await contract(), { endedAt: null, deletionDueAt: null });
    for (const [who, client] of [
      ['Superuser', sam],
      ['User', carol],
    ] as const) {
      const read = await client.get('/api/organisation/contract');
      assert.equal(read.statusCode, 403, who);
      assert.equal(read.json<{ code: string }>().code, 'forbidden');
      for (const ended of [true, false]) {
        assert.equal((await client.put('/api/organisation/contract', { ended })).statusCode, 403, who);
      }
    }
    const stranger = new TestClient(t.app);
    assert.equal((await stranger.get('/api/organisation/contract')).statusCode, 401);
    assert.equal((await stranger.put('/api/organisation/contract', { ended: true })).statusCode, 401);
    assert.deepEqual(await contract(), { endedAt: null, deletionDueAt: null }, 'nothing changed');
    assert.deepEqual(await audited('organisation.contractEnded'), []);
  });

  test('PRIV-RETENTION: bad input is refused with 400 and changes nothing', async () => {
    for (const body of [{}, { ended: 'yes' }, { ended: 1 }, { ended: true, organisationId: 'x' }, []]) {
      const res = await ada.put('/api/organisation/contract', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json<{ code: string }>().code, 'validation_failed');
    }
    assert.deepEqual(await contract(), { endedAt: null, deletionDueAt: null });
  });

  test('PRIV-RETENTION: ending the contract says when the data will be deleted (180 days later); ending it again keeps the first date; resuming clears it; each change is audited once', async () => {
    const ended = await ada.put('/api/organisation/contract', { ended: true });
    assert.equal(ended.statusCode, 200, ended.body);
    const expected = { endedAt: '2026-03-01T09:00:00.000Z', deletionDueAt: '2026-08-28T09:00:00.000Z' };
    assert.deepEqual(ended.json<ContractView>(), expected);
    clock.advance(DAY);
    assert.deepEqual((await ada.put('/api/organisation/contract', { ended: true })).json(), expected);
    assert.deepEqual(await contract(), expected);
    const endings = await audited('organisation.contractEnded');
    assert.equal(endings.length, 1, 'ending it again is no new change');
    assert.equal(endings[0]!.actor.name, ADMIN.displayName);
    assert.equal(endings[0]!.target.kind, 'organisation');
    assert.equal(endings[0]!.target.name, ADMIN.organisationName);
    assert.deepEqual(endings[0]!.details, { deletionDueAt: expected.deletionDueAt });

    const resumed = await ada.put('/api/organisation/contract', { ended: false });
    assert.deepEqual(resumed.json(), { endedAt: null, deletionDueAt: null });
    await ada.put('/api/organisation/contract', { ended: false });
    assert.equal((await audited('organisation.contractResumed')).length, 1);
  });

  test('PRIV-RETENTION: a contract resumed before day 180 keeps everything: at day 200 the job deletes nothing and people still sign in', async () => {
    const meeting = await carol.post('/api/meetings', { name: 'Planning' });
    assert.equal(meeting.statusCode, 201);
    assert.equal((await ada.put('/api/organisation/contract', { ended: true })).statusCode, 200);
    clock.advance(179 * DAY);
    // Sessions have run out by now: the Administrator signs in again to take it back.
    ada = await signedInClient(t, ADMIN.email, ADMIN.password);
    assert.equal((await ada.put('/api/organisation/contract', { ended: false })).statusCode, 200);
    clock.advance(21 * DAY);
    const run = await new RetentionJob({
      leases: t.services.jobLeases,
      purge: t.services.organisationPurge,
      logsFolder: logsFolder(t.config.dataDir),
      clock,
      logger: t.app.log,
    }).run();
    assert.deepEqual(run.organisationsDeleted, []);
    carol = await signedInClient(t, 'carol@acme.test', 'Carol long password');
    const mine = (await carol.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
    assert.deepEqual(
      mine.meetings.map((m) => m.name),
      ['Planning'],
    );
    ada = await signedInClient(t, ADMIN.email, ADMIN.password);
    assert.deepEqual(await contract(), { endedAt: null, deletionDueAt: null });
  });
});
