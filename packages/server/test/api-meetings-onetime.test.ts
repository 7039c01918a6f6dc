import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const DAY = 24 * 3600_000;

describeEachDatabase('one-time meetings', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let owner: TestClient;

  const publicStatus = async (id: string) => {
    const res = await new TestClient(t.app).get(`/api/meetings/${id}/public`);
    return `${res.statusCode} ${res.json<{ code?: string }>().code ?? 'ok'}`;
  };
  const create = async (name: string, oneTime: boolean) => {
    const res = await owner.post('/api/meetings', { name, oneTime });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const listed = async () =>
    (await owner.get('/api/meetings')).json<{ meetings: MeetingView[] }>().meetings.map((m) => m.name);

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    ({ client: owner } = await setUp(t));
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('MEET-ONETIME: once it has taken place and the last one left, it is deleted and its link says it has ended', async () => {
    const m = await create('Interview', true);
    assert.equal(m.oneTime, true);
    assert.equal(await publicStatus(m.id), '200 ok');
    // Empty before anyone came: nothing happens.
    await t.services.meetings.emptied(m.id);
    assert.equal(await publicStatus(m.id), '200 ok');
    await t.services.meetings.started(m.id);
    await t.services.meetings.emptied(m.id);
    assert.equal(await publicStatus(m.id), '410 meeting_ended');
    assert.equal((await owner.get(`/api/meetings/${m.id}`)).statusCode, 404, 'nothing of it is left to see');
    assert.equal(await t.services.meetingStore.findById(m.id), null, 'its row is gone');
    assert.ok(!(await listed()).includes('Interview'));
  });

  test('MEET-ONETIME: a meeting that is not one-time stays after it took place', async () => {
    const m = await create('Standup', false);
    assert.equal(m.oneTime, false);
    await t.services.meetings.started(m.id);
    await t.services.meetings.emptied(m.id);
    assert.equal(await publicStatus(m.id), '200 ok');
  });

  test('MEET-ONETIME: whether a meeting is one-time is fixed when it is made', async () => {
    const m = await create('Fixed', true);
    const res = await owner.patch(`/api/meetings/${m.id}`, { oneTime: false });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal((await owner.get(`/api/meetings/${m.id}`)).json<MeetingView>().oneTime, true);
  });

  // Last: it moves the clock on by months (sessions expire).
  test('MEET-ONETIME: one nobody joined goes after 30 days; the mark that it ended after 90 more', async () => {
    const unused = await create('Never held', true);
    const held = await create('Held, still running', true);
    await t.services.meetings.started(held.id);
    t.clock.advance(29 * DAY);
    await t.services.meetings.sweep();
    assert.equal(await publicStatus(unused.id), '200 ok', 'not yet');
    t.clock.advance(2 * DAY);
    await t.services.meetings.sweep();
    assert.equal(await publicStatus(unused.id), '410 meeting_ended');
    assert.equal(
      await publicStatus(held.id),
      '200 ok',
      'one that took place goes when it empties, not by age',
    );
    t.clock.advance(91 * DAY);
    await t.services.meetings.sweep();
    assert.equal(await publicStatus(unused.id), '404 meeting_not_found', 'the mark is forgotten too');
  });
});
