import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, type TestApp, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('meetings API: hiding', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let bob: TestClient;
  let carol: TestClient;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { session } = await setUp(t);
    [bob, carol] = await signedInUsers(t, database, session.organisation.id, ['Bob', 'Carol']);
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const view = async (id: string) => (await bob.get(`/api/meetings/${id}`)).json<MeetingView>();

  test('MEET-HIDE: the owner hides a meeting and shows it again; no one else can', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Skunkworks' })).json<MeetingView>();
    assert.equal(m.hidden, false, 'shown unless hidden');
    const hide = await bob.patch(`/api/meetings/${m.id}`, { hidden: true });
    assert.equal(hide.statusCode, 200, hide.body);
    assert.equal(hide.json<MeetingView>().hidden, true);
    assert.equal((await view(m.id)).hidden, true);
    assert.equal((await carol.patch(`/api/meetings/${m.id}`, { hidden: false })).statusCode, 404);
    assert.equal((await view(m.id)).hidden, true, 'unchanged by someone else');
    assert.equal(
      (await bob.patch(`/api/meetings/${m.id}`, { hidden: false })).json<MeetingView>().hidden,
      false,
    );
    assert.equal((await bob.patch(`/api/meetings/${m.id}`, { hidden: 'no' })).statusCode, 400);
  });

  test('MEET-ONETIME, MEET-HIDE: a one-time meeting is hidden from the start, and showing it is refused', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Exit talk', oneTime: true })).json<MeetingView>();
    assert.equal(m.hidden, true);
    const show = await bob.patch(`/api/meetings/${m.id}`, { hidden: false });
    assert.equal(show.statusCode, 400, show.body);
    assert.deepEqual(
      [show.json<{ code: string }>().code, show.json<{ field?: string }>().field],
      ['validation_failed', 'hidden'],
    );
    assert.equal((await view(m.id)).hidden, true);
    // A rename alone is fine.
    assert.equal((await bob.patch(`/api/meetings/${m.id}`, { name: 'Exit conversation' })).statusCode, 200);
  });
});
