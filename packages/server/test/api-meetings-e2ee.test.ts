import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingPublicView, MeetingView } from '@conclave/protocol';
import { addUser, setUp, signedInClient, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/** A device identity public key as the browser exports it: a raw P-256 point, in base64url. */
async function identityKey(): Promise<string> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  return Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
}

describeEachDatabase('meetings API: end-to-end encryption', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestClient;
  let bob: TestClient;

  const publicView = async (id: string) =>
    (await new TestClient(t.app).get(`/api/meetings/${id}/public`)).json<MeetingPublicView>();

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { client, session } = await setUp(t);
    admin = client;
    await addUser(database, session.organisation.id, {
      email: 'bob@acme.test',
      password: 'bobs long password',
      displayName: 'Bob',
    });
    bob = await signedInClient(t, 'bob@acme.test', 'bobs long password');
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('E2EE-OPTIN: any user creates an end-to-end encrypted meeting; its view, the list and the join page say so', async () => {
    const res = await bob.post('/api/meetings', { name: 'Patent review', e2ee: true });
    assert.equal(res.statusCode, 201);
    const m = res.json<MeetingView>();
    assert.equal(m.e2ee, true);
    assert.equal((await bob.get(`/api/meetings/${m.id}`)).json<MeetingView>().e2ee, true);
    const list = (await bob.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
    assert.equal(list.meetings.find((x) => x.id === m.id)?.e2ee, true);
    assert.deepEqual(await publicView(m.id), {
      id: m.id,
      name: 'Patent review',
      organisationName: 'Acme Research',
      e2ee: true,
      ownerIdentityKey: null,
      passcodeRequired: false,
      lobby: 'off',
      defaultLayout: 'gallery',
      recording: null,
      streaming: null,
    });
    const plain = (await bob.post('/api/meetings', { name: 'Lunch', e2ee: false })).json<MeetingView>();
    assert.equal(plain.e2ee, false);
    assert.equal((await publicView(plain.id)).e2ee, false);
  });

  test("E2EE-OPTIN: the join page shows the anchoring device's key; switching E2EE forgets it, a rename keeps it", async () => {
    const m = (await admin.post('/api/meetings', { name: 'Board', e2ee: true })).json<MeetingView>();
    const key = await identityKey();
    assert.equal(await t.services.meetingStore.setE2eeAnchorKey(m.id, key), true);
    assert.equal((await publicView(m.id)).ownerIdentityKey, key);

    const renamed = await admin.patch(`/api/meetings/${m.id}`, { name: 'Board (Q3)', e2ee: true });
    assert.equal(renamed.statusCode, 200);
    assert.equal((await publicView(m.id)).ownerIdentityKey, key, 'the same group carries on');

    const off = await admin.patch(`/api/meetings/${m.id}`, { e2ee: false });
    assert.equal(off.statusCode, 200);
    assert.equal(off.json<MeetingView>().e2ee, false);
    assert.deepEqual(
      [(await publicView(m.id)).e2ee, (await publicView(m.id)).ownerIdentityKey],
      [false, null],
    );
    assert.equal(
      await t.services.meetingStore.setE2eeAnchorKey(m.id, key),
      false,
      'no anchor for a meeting without E2EE',
    );

    const on = await admin.patch(`/api/meetings/${m.id}`, { e2ee: true });
    assert.equal(on.json<MeetingView>().e2ee, true);
    assert.equal(on.json<MeetingView>().name, 'Board (Q3)');
    assert.equal((await admin.get(`/api/meetings/${m.id}`)).json<MeetingView>().e2ee, true);
    assert.equal((await publicView(m.id)).ownerIdentityKey, null, 'a new group will be made');
  });

  test('E2EE-OPTIN: a setting that is not true or false is refused naming the field; only the owner may switch it', async () => {
    for (const e2ee of ['yes', 1, null]) {
      const created = await admin.post('/api/meetings', { name: 'Odd', e2ee });
      assert.equal(created.statusCode, 400);
      assert.deepEqual([created.json().code, created.json().field], ['validation_failed', 'e2ee']);
    }
    const m = (await admin.post('/api/meetings', { name: 'Mine' })).json<MeetingView>();
    const patched = await admin.patch(`/api/meetings/${m.id}`, { e2ee: 'on' });
    assert.deepEqual([patched.json().code, patched.json().field], ['validation_failed', 'e2ee']);
    const other = await bob.patch(`/api/meetings/${m.id}`, { e2ee: true });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'meeting_not_found');
    assert.equal((await publicView(m.id)).e2ee, false);
  });
});
