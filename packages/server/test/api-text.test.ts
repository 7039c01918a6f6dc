import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { ADMIN, setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/** Every free-text field follows one rule, and hostile text is a 400 on every database, never a 500. */
describeEachDatabase('free text and identifiers in the API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestClient;
  let meeting: MeetingView;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    ({ client: admin } = await setUp(t));
    meeting = (await admin.post('/api/meetings', { name: 'Weekly sync' })).json<MeetingView>();
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const hostile = [
    'Ada\u0000',
    'Ada\u202eevil',
    '\ufeffAda',
    'A\u200bda',
    'Ada\u2028',
    'Ada\u0085',
    'tag\u{e0041}',
  ];

  test('IAM-GUEST: a guest name with NUL, bidi override, BOM, zero-width, separators or tags is a 400 naming the field', async () => {
    for (const displayName of hostile) {
      const res = await new TestClient(t.app).post(`/api/meetings/${meeting.id}/guests`, { displayName });
      assert.equal(res.statusCode, 400, `${JSON.stringify(displayName)}: ${res.body}`);
      assert.equal(res.json().code, 'validation_failed');
      assert.equal(res.json().field, 'displayName');
    }
  });

  test('MEET-CREATE: meeting names and descriptions follow the same rule; nothing is stored', async () => {
    for (const name of hostile) {
      const res = await admin.post('/api/meetings', { name });
      assert.equal(res.statusCode, 400, `${JSON.stringify(name)}: ${res.body}`);
      assert.equal(res.json().field, 'name');
    }
    const desc = await admin.patch(`/api/meetings/${meeting.id}`, { description: 'Agenda\u0000' });
    assert.equal(desc.statusCode, 400);
    assert.equal(desc.json().field, 'description');
    const list = (await admin.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
    assert.deepEqual(
      list.meetings.map((m) => [m.name, m.description]),
      [['Weekly sync', '']],
    );
  });

  test('MEET-CREATE: names are stored normalised (NFC, single plain spaces)', async () => {
    const res = await admin.post('/api/meetings', { name: '  Zoe\u0308\u00a0 and   team ' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json<MeetingView>().name, 'Zoë and team');
    await admin.delete(`/api/meetings/${res.json<MeetingView>().id}`);
  });

  test('IAM-LOCAL: an organisation or Administrator name with a NUL is refused at setup', async () => {
    const fresh = await createTestDatabase(kind);
    const other = await startTestApp(fresh);
    try {
      const client = new TestClient(other.app);
      for (const body of [
        { ...ADMIN, organisationName: 'Acme\u0000' },
        { ...ADMIN, displayName: 'Ada\u202e' },
      ]) {
        const res = await client.post('/api/setup', body);
        assert.equal(res.statusCode, 400, res.body);
      }
      assert.equal((await client.get('/api/setup')).json().needed, true, 'setup did not happen');
    } finally {
      await other.close();
      await fresh.close();
    }
  });

  test('IAM-GUEST: a meeting ID with a NUL or other stray characters is meeting_not_found, not a server error', async () => {
    for (const id of ['%00', 'abc%00def', '%E2%80%AE', 'a%20b', 'x'.repeat(65)]) {
      const pub = await new TestClient(t.app).get(`/api/meetings/${id}/public`);
      assert.equal(pub.statusCode, 404, `${id}: ${pub.body}`);
      assert.equal(pub.json().code, 'meeting_not_found');
      const guest = await new TestClient(t.app).post(`/api/meetings/${id}/guests`, { displayName: 'Gina' });
      assert.equal(guest.statusCode, 404, `${id}: ${guest.body}`);
      const owned = await admin.get(`/api/meetings/${id}`);
      assert.equal(owned.statusCode, 404, `${id}: ${owned.body}`);
    }
  });
});
