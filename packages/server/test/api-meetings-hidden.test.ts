import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, type TestApp, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('meetings API: hiding', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let sam: TestClient;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { session, client } = await setUp(t);
    ada = client;
    [bob, carol, sam] = await signedInUsers(t, database, session.organisation.id, ['Bob', 'Carol', 'Sam'], {
      Sam: 'superuser',
    });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const view = async (id: string) => (await bob.get(`/api/meetings/${id}`)).json<MeetingView>();

  test('MEET-HIDE: the owner hides a meeting and shows it again; another User cannot', async () => {
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

  test('MEET-HIDE: a Superuser and an Administrator hide and show any meeting of the organisation', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Budget review' })).json<MeetingView>();
    for (const [manager, who] of [
      [sam, 'Superuser'],
      [ada, 'Administrator'],
    ] as const) {
      const hide = await manager.patch(`/api/meetings/${m.id}`, { hidden: true });
      assert.equal(hide.statusCode, 200, `${who}: ${hide.body}`);
      assert.equal(hide.json<MeetingView>().hidden, true);
      assert.equal((await view(m.id)).hidden, true, `${who} hid it`);
      const show = await manager.patch(`/api/meetings/${m.id}`, { hidden: false });
      assert.equal(show.statusCode, 200, `${who}: ${show.body}`);
      assert.equal((await view(m.id)).hidden, false, `${who} showed it`);
    }
  });

  test("ROLE-MATRIX, MEET-HIDE: a Superuser or Administrator manages and deletes anyone's meeting, not only hides it", async () => {
    for (const manager of [sam, ada]) {
      const m = (await bob.post('/api/meetings', { name: 'Roadmap' })).json<MeetingView>();
      const changed = await manager.patch(`/api/meetings/${m.id}`, { hidden: true, name: 'Taken over' });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal((await manager.get(`/api/meetings/${m.id}`)).statusCode, 200);
      const passcode = await manager.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '123456' });
      assert.equal(passcode.statusCode, 200, passcode.body);
      const after = await view(m.id);
      assert.deepEqual([after.name, after.hidden, after.hasPasscode], ['Taken over', true, true]);
      assert.equal((await manager.delete(`/api/meetings/${m.id}`)).statusCode, 204);
      assert.equal((await bob.get(`/api/meetings/${m.id}`)).statusCode, 404, 'gone for its owner too');
    }
  });

  test("MEET-HIDE: a User cannot hide someone else's meeting: to them it does not exist (404)", async () => {
    const m = (await bob.post('/api/meetings', { name: 'Open house' })).json<MeetingView>();
    const res = await carol.patch(`/api/meetings/${m.id}`, { hidden: true });
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json<{ code: string }>().code, 'meeting_not_found');
    assert.equal((await view(m.id)).hidden, false);
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
    for (const manager of [sam, ada]) {
      const refused = await manager.patch(`/api/meetings/${m.id}`, { hidden: false });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json<{ field?: string }>().field, 'hidden');
    }
    assert.equal((await view(m.id)).hidden, true, 'not even an Administrator shows it');
    // A rename alone is fine.
    assert.equal((await bob.patch(`/api/meetings/${m.id}`, { name: 'Exit conversation' })).statusCode, 200);
  });
});
