import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingPublicView, MeetingView } from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('meetings API: passcodes', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let bob: TestClient;
  let carol: TestClient;

  const publicView = async (id: string) =>
    (await new TestClient(t.app).get(`/api/meetings/${id}/public`)).json<MeetingPublicView>();
  const storedHash = async (id: string) => (await t.services.meetingStore.findById(id))?.passcodeHash ?? null;

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

  test('MEET-PASSCODE: the owner sets, changes and removes a passcode; only its hash is stored, and the join page says one is needed', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Budget' })).json<MeetingView>();
    assert.equal(m.hasPasscode, false);
    assert.equal((await publicView(m.id)).passcodeRequired, false);

    const set = await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '482913' });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json<MeetingView>().hasPasscode, true);
    assert.doesNotMatch(set.body, /482913/, 'the passcode is not sent back');
    assert.equal((await bob.get(`/api/meetings/${m.id}`)).json<MeetingView>().hasPasscode, true);
    assert.equal((await publicView(m.id)).passcodeRequired, true);
    const first = await storedHash(m.id);
    assert.match(first ?? '', /^\$argon2id\$/, 'stored as an Argon2id hash');
    assert.doesNotMatch(first ?? '', /482913/);

    await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '4829' });
    const second = await storedHash(m.id);
    assert.notEqual(second, first, 'a changed passcode has a new hash');

    const removed = await bob.delete(`/api/meetings/${m.id}/passcode`);
    assert.equal(removed.statusCode, 200);
    assert.equal(removed.json<MeetingView>().hasPasscode, false);
    assert.equal(await storedHash(m.id), null);
    assert.equal((await publicView(m.id)).passcodeRequired, false);
  });

  test('MEET-PASSCODE: a passcode that is not 4 to 12 digits is refused naming the field, and nothing changes', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Numbers' })).json<MeetingView>();
    for (const passcode of ['123', '1234567890123', '12a4', ' 1234', '１２３４', 1234, '']) {
      const res = await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode });
      assert.equal(res.statusCode, 400, `${JSON.stringify(passcode)}: ${res.body}`);
      assert.deepEqual(
        [res.json<{ code: string }>().code, res.json<{ field?: string }>().field],
        ['validation_failed', 'passcode'],
      );
    }
    assert.equal(await storedHash(m.id), null);
  });

  test('MEET-PASSCODE: only the owner may set or remove it; anyone else is told the meeting does not exist', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Private' })).json<MeetingView>();
    await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '2468' });
    const before = await storedHash(m.id);
    const put = await carol.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '1111' });
    const del = await carol.delete(`/api/meetings/${m.id}/passcode`);
    const stranger = await new TestClient(t.app).request('PUT', `/api/meetings/${m.id}/passcode`, {
      passcode: '1111',
    });
    assert.deepEqual(
      [put.statusCode, del.statusCode, stranger.statusCode],
      [404, 404, 401],
      `${put.body} ${del.body} ${stranger.body}`,
    );
    assert.equal(await storedHash(m.id), before, 'unchanged');
  });

  test('MEET-PASSCODE: the passcode never reaches the logs', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Quiet' })).json<MeetingView>();
    await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '90817263' });
    // A refused one too: validation failures are logged, their input must not be.
    const refused = await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '5550x17' });
    assert.equal(refused.statusCode, 400);
    assert.ok(t.logs.length > 0, 'the app logs');
    assert.equal(
      t.logs.filter((line) => line.includes('90817263') || line.includes('5550x17')).length,
      0,
      'no log line holds a passcode',
    );
  });
});
