import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AdminUserView, AuditPageView, MeetingView } from '@conclave/protocol';
import {
  addOrganisation,
  setUp,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('ADM-AUDIT: the audit log', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let sam: TestClient;
  let carol: TestClient;
  let organisationId: string;
  let adaId: string;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const done = await setUp(t);
    ada = done.client;
    adaId = done.session.user.id;
    organisationId = done.session.organisation.id;
    [sam, carol] = await signedInUsers(t, database, organisationId, ['Sam', 'Carol'], { Sam: 'superuser' });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const page = async (client: TestClient, query = '') => {
    const res = await client.get(`/api/audit${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<AuditPageView>();
  };

  test('ADM-AUDIT: role changes, revocations, hiding and deletions are logged with who, what, when and from where; no secret', async () => {
    const created = await ada.post('/api/users', {
      email: 'bob@acme.test',
      displayName: 'Bob',
      password: 'the first password of Bob',
    });
    assert.equal(created.statusCode, 201, created.body);
    const bob = created.json<AdminUserView>();
    await ada.request('PUT', `/api/users/${bob.id}/role`, { role: 'superuser' });
    await sam.post(`/api/users/${bob.id}/revoke`, {});
    await sam.post(`/api/users/${bob.id}/restore`, {});
    await sam.patch(`/api/users/${bob.id}`, { hidden: true });
    const meeting = (await carol.post('/api/meetings', { name: 'Carol’s review' })).json<MeetingView>();
    await sam.delete(`/api/meetings/${meeting.id}`);
    const named = (await page(sam)).events.filter((e) => e.target.id === bob.id);
    assert.equal(named.length, 5);
    assert.ok(
      named.every((e) => e.target.name === 'Bob <bob@acme.test>'),
      'named while the account exists',
    );
    await ada.delete(`/api/users/${bob.id}`);

    // Once the account is gone, so is who it was (PRIV-EXPORT): one placeholder stands for them.
    const { events } = await page(sam);
    assert.deepEqual(
      events.map((e) => [e.action, e.actor.name, e.target.name]),
      [
        ['user.deleted', 'Ada Admin', 'Deleted person'],
        ['meeting.deleted', 'Sam', 'Carol’s review'],
        ['user.hidden', 'Sam', 'Deleted person'],
        ['user.restored', 'Sam', 'Deleted person'],
        ['user.revoked', 'Sam', 'Deleted person'],
        ['user.roleChanged', 'Ada Admin', 'Deleted person'],
        ['user.created', 'Ada Admin', 'Deleted person'],
      ],
      'newest first',
    );
    const roleChange = events.find((e) => e.action === 'user.roleChanged')!;
    assert.deepEqual(roleChange.details, { from: 'user', to: 'superuser' });
    assert.equal(roleChange.actor.id, adaId);
    assert.equal(roleChange.target.id, events[0]!.target.id, 'one placeholder for the person');
    assert.notEqual(roleChange.target.id, bob.id);
    assert.ok(roleChange.clientIp.length > 0, 'from where');
    assert.ok(!Number.isNaN(Date.parse(roleChange.at)));
    assert.ok(!JSON.stringify(events).includes('the first password of Bob'), 'no password in the log');
  });

  test('ADM-AUDIT: filtered by action, actor and target, read a page at a time', async () => {
    const byAction = await page(ada, '?action=user.revoked');
    assert.ok(byAction.events.length >= 1);
    assert.ok(byAction.events.every((e) => e.action === 'user.revoked'));
    const byActor = await page(ada, `?actorId=${adaId}`);
    assert.ok(byActor.events.every((e) => e.actor.id === adaId));

    const first = await page(ada, '?limit=3');
    assert.equal(first.events.length, 3);
    assert.ok(first.next);
    const second = await page(ada, `?limit=3&before=${first.next}`);
    const ids = [...first.events, ...second.events].map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'pages do not overlap');
    assert.equal((await ada.get('/api/audit?limit=0')).statusCode, 400);
    assert.equal((await ada.get('/api/audit?action=user.sneezed')).statusCode, 400);
  });

  test('ADM-AUDIT, IAM-ROLES: a User cannot read it; an organisation sees only its own log and its own people', async () => {
    const refused = await carol.get('/api/audit');
    assert.equal(refused.statusCode, 403);
    const other = await addOrganisation(database, 'Other Corp');
    const [olga] = await signedInUsers(t, database, other, ['Olga'], { Olga: 'superuser' });
    assert.deepEqual((await page(olga)).events, []);
    // Nor does another organisation's Superuser reach our people: as if they did not exist.
    const ours = (await ada.get('/api/users')).json<{ users: AdminUserView[] }>().users;
    const carolsId = ours.find((u) => u.displayName === 'Carol')!.id;
    assert.deepEqual(
      (await olga.get('/api/users')).json<{ users: AdminUserView[] }>().users.map((u) => u.displayName),
      ['Olga'],
    );
    for (const res of [
      await olga.request('PUT', `/api/users/${carolsId}/role`, { role: 'superuser' }),
      await olga.post(`/api/users/${carolsId}/revoke`, {}),
      await olga.delete(`/api/users/${carolsId}`),
    ]) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json<{ code: string }>().code, 'user_not_found');
    }
    assert.equal((await carol.get('/api/auth/session')).statusCode, 200, 'Carol is untouched');
  });
});
