import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import type { GuestTokenView, MeetingView, SessionView } from '@conclave/protocol';
import type { PrincipalSource } from '../src/domain';
import {
  addOrganisation,
  addUser,
  PUBLIC_URL,
  setUp,
  startTestApp,
  TestClient,
  type TestApp,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const HOUR = 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeEachDatabase('meetings API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestClient;
  let adminSession: SessionView;
  let bob: TestClient;
  let outsider: TestClient;
  let signalingAuth: PrincipalSource;

  // A route that asks the principal source who holds a request, as the signaling upgrade will.
  const whoami: FastifyPluginAsync = async (app) => {
    app.get('/test/whoami', async (request) => ({
      principal: await signalingAuth.principalFromRequest(request),
    }));
  };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { plugins: [whoami] });
    signalingAuth = t.services.principals;
    ({ client: admin, session: adminSession } = await setUp(t));
    const orgId = adminSession.organisation.id;
    await addUser(database, orgId, {
      email: 'bob@acme.test',
      password: 'bobs long password',
      displayName: 'Bob',
    });
    bob = new TestClient(t.app);
    assert.equal((await bob.signIn('bob@acme.test', 'bobs long password')).statusCode, 200);
    const otherOrg = await addOrganisation(database, 'Other Org');
    await addUser(database, otherOrg, {
      email: 'oz@other.test',
      password: 'oz long password',
      displayName: 'Oz',
    });
    outsider = new TestClient(t.app);
    assert.equal((await outsider.signIn('oz@other.test', 'oz long password')).statusCode, 200);
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('MEET-CREATE: a user creates a meeting with a join link and a numeric extension', async () => {
    const res = await admin.post('/api/meetings', { name: '  Weekly planning ', description: 'Roadmap' });
    assert.equal(res.statusCode, 201);
    const m = res.json<MeetingView>();
    assert.match(m.id, UUID);
    assert.equal(m.name, 'Weekly planning');
    assert.equal(m.description, 'Roadmap');
    assert.match(m.extension, /^[1-9]\d{5}$/);
    assert.equal(m.joinUrl, `${PUBLIC_URL}/m/${m.id}`);
    assert.equal(m.ownerId, adminSession.user.id);
    assert.equal(m.e2ee, false, 'E2EE is opt-in');
    assert.equal(m.createdAt, t.clock.now().toISOString());

    const got = await admin.get(`/api/meetings/${m.id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), m);
  });

  test('MEET-CREATE: a meeting without a name is refused naming the field', async () => {
    for (const body of [{ name: '   ' }, {}, { name: 'x'.repeat(121) }]) {
      const res = await admin.post('/api/meetings', body);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'validation_failed');
      assert.equal(res.json().field, 'name');
    }
  });

  test('MEET-CREATE: the list shows only my meetings, newest first', async () => {
    const first = (await bob.post('/api/meetings', { name: 'Bob one' })).json<MeetingView>();
    t.clock.advance(1000);
    const second = (await bob.post('/api/meetings', { name: 'Bob two' })).json<MeetingView>();
    const mine = (await bob.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
    assert.deepEqual(
      mine.meetings.map((m) => m.id),
      [second.id, first.id],
    );
    const adminList = (await admin.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
    assert.ok(adminList.meetings.length >= 1);
    assert.ok(adminList.meetings.every((m) => m.ownerId === adminSession.user.id));
  });

  test('MEET-CREATE: the owner renames a meeting and changes its description', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Old name' })).json<MeetingView>();
    const renamed = await admin.patch(`/api/meetings/${m.id}`, { name: 'New name' });
    assert.equal(renamed.statusCode, 200);
    assert.equal(renamed.json().name, 'New name');
    assert.equal(renamed.json().extension, m.extension, 'the extension stays');
    assert.equal(renamed.json().joinUrl, m.joinUrl, 'the link stays');
    const described = await admin.patch(`/api/meetings/${m.id}`, { description: 'Agenda in the doc' });
    assert.equal(described.json().name, 'New name');
    assert.equal(described.json().description, 'Agenda in the doc');
    assert.equal((await admin.get(`/api/meetings/${m.id}`)).json().name, 'New name');

    const empty = await admin.patch(`/api/meetings/${m.id}`, {});
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().code, 'validation_failed');
  });

  test('MEET-CREATE: the owner deletes a meeting and its link stops working', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Short-lived' })).json<MeetingView>();
    const del = await admin.delete(`/api/meetings/${m.id}`);
    assert.equal(del.statusCode, 204);
    assert.equal((await admin.get(`/api/meetings/${m.id}`)).json().code, 'meeting_not_found');
    assert.equal((await new TestClient(t.app).get(`/api/meetings/${m.id}/public`)).statusCode, 404);
    const list = (await admin.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
    assert.ok(!list.meetings.some((x) => x.id === m.id));
    assert.equal((await admin.delete(`/api/meetings/${m.id}`)).statusCode, 404);
  });

  test('MEET-CREATE: extensions are six digits and unique in the organisation', async () => {
    const created: MeetingView[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await (i % 2 ? admin : bob).post('/api/meetings', { name: `Room ${i}` });
      assert.equal(res.statusCode, 201);
      created.push(res.json<MeetingView>());
    }
    for (const m of created) assert.match(m.extension, /^\d{6}$/);
    const rows = await database.db
      .selectFrom('meetings')
      .select(['extension'])
      .where('organisation_id', '=', adminSession.organisation.id)
      .execute();
    assert.equal(new Set(rows.map((r) => r.extension)).size, rows.length);
  });

  test('MEET-CREATE: others can neither see nor change my meeting (404, as if it did not exist)', async () => {
    const m = (
      await admin.post('/api/meetings', { name: 'Board only', description: 'secret' })
    ).json<MeetingView>();
    for (const other of [bob, outsider]) {
      for (const res of [
        await other.get(`/api/meetings/${m.id}`),
        await other.patch(`/api/meetings/${m.id}`, { name: 'Hijacked' }),
        await other.delete(`/api/meetings/${m.id}`),
      ]) {
        assert.equal(res.statusCode, 404);
        assert.deepEqual(res.json(), {
          code: 'meeting_not_found',
          message: 'There is no meeting at this link',
        });
      }
      const list = (await other.get('/api/meetings')).json<{ meetings: MeetingView[] }>();
      assert.ok(!list.meetings.some((x) => x.id === m.id));
    }
    const unknown = await bob.get('/api/meetings/0190c9a4-0000-7000-8000-000000000000');
    assert.deepEqual(unknown.json(), {
      code: 'meeting_not_found',
      message: 'There is no meeting at this link',
    });
    const still = (await admin.get(`/api/meetings/${m.id}`)).json<MeetingView>();
    assert.equal(still.name, 'Board only');
  });

  test('MEET-CREATE: anyone with the link sees the meeting name and organisation, nothing more', async () => {
    const m = (
      await admin.post('/api/meetings', { name: 'Town hall', description: 'internal' })
    ).json<MeetingView>();
    const res = await new TestClient(t.app).get(`/api/meetings/${m.id}/public`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      id: m.id,
      name: 'Town hall',
      organisationName: 'Acme Research',
      e2ee: false,
      ownerIdentityKey: null,
      passcodeRequired: false,
      lobby: 'off',
      defaultLayout: 'gallery',
      recording: null,
      streaming: null,
    });
    const unknown = await new TestClient(t.app).get('/api/meetings/not-a-meeting/public');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'meeting_not_found');
  });

  test('MEET-LAYOUT: the join page learns the organisation’s default layout, as its Administrator set it', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Layouts' })).json<MeetingView>();
    const view = async () => (await new TestClient(t.app).get(`/api/meetings/${m.id}/public`)).json();
    assert.equal((await view()).defaultLayout, 'gallery');
    assert.equal((await admin.patch('/api/settings', { layouts: { default: 'speaker' } })).statusCode, 200);
    assert.equal((await view()).defaultLayout, 'speaker');
    assert.equal((await admin.patch('/api/settings', { layouts: { default: 'gallery' } })).statusCode, 200);
    assert.equal((await view()).defaultLayout, 'gallery');
  });

  test('IAM-GUEST: a named guest gets a short-lived token bound to that one meeting', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Client call' })).json<MeetingView>();
    const res = await new TestClient(t.app).post(`/api/meetings/${m.id}/guests`, {
      displayName: ' Grace Guest ',
    });
    assert.equal(res.statusCode, 201);
    const view = res.json<GuestTokenView>();
    assert.ok(view.token.length >= 40);
    assert.equal(view.expiresAt, new Date(t.clock.now().getTime() + 12 * HOUR).toISOString());

    const principal = await signalingAuth.principalFromGuestToken(view.token);
    assert.ok(principal);
    assert.equal(principal.kind, 'guest');
    assert.equal(principal.meetingId, m.id);
    assert.equal(principal.displayName, 'Grace Guest');
    assert.equal(principal.organisationId, adminSession.organisation.id);

    const stored = await database.db.selectFrom('guest_tokens').select('token_hash').execute();
    assert.ok(
      stored.every((r) => r.token_hash !== view.token),
      'tokens are stored hashed',
    );
    assert.equal(await signalingAuth.principalFromGuestToken(`${view.token}x`), null);
  });

  test('IAM-GUEST: a guest link with an unknown meeting is refused', async () => {
    const c = new TestClient(t.app);
    for (const id of ['0190c9a4-0000-7000-8000-000000000000', 'nonsense', 'x'.repeat(90)]) {
      const res = await c.post(`/api/meetings/${id}/guests`, { displayName: 'Grace' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'meeting_not_found');
    }
    const absurd = await c.post(`/api/meetings/${'x'.repeat(300)}/guests`, { displayName: 'Grace' });
    assert.equal(absurd.statusCode, 414);
    assert.deepEqual(absurd.json(), { code: 'bad_request', message: 'The URL is too long' });
  });

  test('IAM-GUEST: a guest token stops working when it expires or its meeting is deleted', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Expiring' })).json<MeetingView>();
    const c = new TestClient(t.app);
    const early = (
      await c.post(`/api/meetings/${m.id}/guests`, { displayName: 'Early' })
    ).json<GuestTokenView>();
    t.clock.advance(12 * HOUR - 1000);
    const late = (
      await c.post(`/api/meetings/${m.id}/guests`, { displayName: 'Late' })
    ).json<GuestTokenView>();
    assert.ok(await signalingAuth.principalFromGuestToken(early.token), 'valid until it expires');
    t.clock.advance(2000);
    assert.equal(await signalingAuth.principalFromGuestToken(early.token), null, 'expired');
    assert.ok(await signalingAuth.principalFromGuestToken(late.token));
    await admin.delete(`/api/meetings/${m.id}`);
    assert.equal(await signalingAuth.principalFromGuestToken(late.token), null, 'meeting deleted');
  });

  test('IAM-GUEST: a bad guest display name is refused naming the field', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Names' })).json<MeetingView>();
    const c = new TestClient(t.app);
    for (const displayName of ['', '   ', 'x'.repeat(65), 'bell\u0007', 42]) {
      const res = await c.post(`/api/meetings/${m.id}/guests`, { displayName });
      assert.equal(res.statusCode, 400, JSON.stringify(displayName));
      assert.equal(res.json().code, 'validation_failed');
      assert.equal(res.json().field, 'displayName');
    }
  });

  test('IAM-GUEST: guest tokens are rate-limited per address', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Popular' })).json<MeetingView>();
    const c = new TestClient(t.app, '203.0.113.77');
    for (let i = 0; i < 120; i++) {
      const res = await c.post(`/api/meetings/${m.id}/guests`, { displayName: `Guest ${i}` });
      assert.equal(res.statusCode, 201, `guest ${i + 1} of 120 in ten minutes`);
    }
    const last = await c.post(`/api/meetings/${m.id}/guests`, { displayName: 'One too many' });
    assert.equal(last.statusCode, 429);
    assert.equal(last.json().code, 'rate_limited');
    assert.match(last.json().message, /Try again in \d+ minutes?\./);
    assert.ok(Number(last.headers['retry-after']) > 0);
    const elsewhere = await new TestClient(t.app, '203.0.113.78').post(`/api/meetings/${m.id}/guests`, {
      displayName: 'Guest',
    });
    assert.equal(elsewhere.statusCode, 201);
  });

  test('IAM-LOCAL: signaling recognises the session cookie of a request, and not after sign-out', async () => {
    const c = new TestClient(t.app);
    await c.signIn('bob@acme.test', 'bobs long password');
    const who = (await c.get('/test/whoami')).json<{
      principal: { kind: string; displayName: string } | null;
    }>();
    assert.equal(who.principal?.kind, 'user');
    assert.equal(who.principal?.displayName, 'Bob');
    const stale = c.cookie;
    await c.post('/api/auth/sign-out');
    const replay = new TestClient(t.app);
    replay.cookie = stale;
    assert.deepEqual((await replay.get('/test/whoami')).json(), { principal: null });
    assert.deepEqual((await new TestClient(t.app).get('/test/whoami')).json(), { principal: null });
  });
});
