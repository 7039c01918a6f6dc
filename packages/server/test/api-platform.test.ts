import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import createClient from 'openapi-fetch';
import type {
  ApiKeyCreatedView,
  ApiKeyListView,
  ApiKeyScope,
  AuditPageView,
  MeetingListView,
  MeetingView,
  RosterView,
  SessionView,
  UsageReport,
} from '@conclave/protocol';
import {
  addOrganisation,
  addUser,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import type { paths } from './support/platform-api';

const ALL_SCOPES: ApiKeyScope[] = [
  'meetings:read',
  'meetings:write',
  'participants:read',
  'participants:moderate',
  'reports:read',
];

/**
 * The platform API (docs/api.md): API keys made by Superusers and Administrators, and what a key does
 * with the organisation's meetings over /api/v1.
 */
describeEachDatabase('platform API: API keys and meetings', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let bob: TestClient;
  let sue: TestClient;
  const ids = { ada: '', bob: '', sue: '', eve: '' };

  const makeKey = async (by: TestClient, scopes: ApiKeyScope[] = ALL_SCOPES, name = 'Room booking') => {
    const res = await by.post('/api/api-keys', { name, scopes });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<ApiKeyCreatedView>();
  };
  /** A request as another system makes it: no cookie, the key in the Authorization header. */
  const withKey = (key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      remoteAddress: '198.51.100.7',
      ...(body && { payload: body }),
    });
  const code = (res: { json: <T>() => T }) => res.json<{ code: string }>().code;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const done = await setUp(t);
    ada = done.client;
    [bob, sue] = await signedInUsers(t, database, done.session.organisation.id, ['Bob', 'Sue'], {
      Sue: 'superuser',
    });
    const other = await addOrganisation(database, 'Globex');
    ids.eve = await addUser(database, other, {
      email: 'eve@globex.test',
      password: 'Eve long password',
      displayName: 'Eve',
      role: 'administrator',
    });
    for (const [name, client] of [
      ['ada', ada],
      ['bob', bob],
      ['sue', sue],
    ] as const) {
      ids[name] = (await client.get('/api/auth/session')).json<SessionView>().user.id;
    }
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('ROLE-MATRIX: Superusers and Administrators make, list and revoke keys; a key is shown once and kept only as its SHA-256', async () => {
    const made = await makeKey(ada, ['meetings:read', 'meetings:write', 'meetings:read']);
    assert.match(made.key, /^cnk_[A-Za-z0-9_-]{43}$/);
    assert.equal(made.prefix, made.key.slice(0, 12));
    assert.deepEqual(made.scopes, ['meetings:read', 'meetings:write'], 'each scope once');
    assert.deepEqual(made.createdBy, { id: ids.ada, displayName: 'Ada Admin' });

    const listed = (await sue.get('/api/api-keys')).json<ApiKeyListView>().keys;
    const entry = listed.find((k) => k.id === made.id);
    assert.ok(entry, 'a Superuser sees the organisation’s keys');
    assert.deepEqual(Object.keys(entry).sort(), [
      'createdAt',
      'createdBy',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'scopes',
    ]);
    assert.equal(entry.lastUsedAt, null);

    const row = await database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.key_hash, createHash('sha256').update(made.key).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(made.key.slice(12)), 'the key itself is stored nowhere');

    for (const res of [
      await bob.post('/api/api-keys', { name: 'Mine', scopes: ['meetings:read'] }),
      await bob.get('/api/api-keys'),
      await bob.delete(`/api/api-keys/${made.id}`),
    ]) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(code(res), 'forbidden');
    }
    for (const [body, field] of [
      [{ name: 'No scopes', scopes: [] }, 'scopes'],
      [{ name: 'Unknown', scopes: ['meetings:delete'] }, 'scopes.0'],
      [{ name: '', scopes: ['meetings:read'] }, 'name'],
    ] as const) {
      const res = await ada.post('/api/api-keys', body);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ field: string }>().field, field);
    }

    assert.equal((await sue.delete(`/api/api-keys/${made.id}`)).statusCode, 204);
    const after = (await ada.get('/api/api-keys')).json<ApiKeyListView>().keys;
    assert.ok(!after.some((k) => k.id === made.id), 'a revoked key is no longer listed');
    assert.equal((await ada.delete(`/api/api-keys/${made.id}`)).statusCode, 404);
  });

  test('MEET-CREATE: with a key, meetings of the organisation are made (owned by the key’s maker or a chosen person), listed, read, changed and deleted', async () => {
    const { key } = await makeKey(ada, ['meetings:read', 'meetings:write']);
    // Ids are time-ordered to the millisecond: each meeting is made a moment after the one before.
    const later = () => t.clock.advance(1000);
    later();
    const mine = await withKey(key, 'POST', '/api/v1/meetings', { name: 'Weekly sync', lobby: 'guests' });
    assert.equal(mine.statusCode, 201, mine.body);
    const weekly = mine.json<MeetingView>();
    assert.equal(weekly.ownerId, ids.ada, 'owned by the key’s maker without an ownerId');
    assert.equal(weekly.lobby, 'guests');
    assert.match(weekly.extension, /^\d{6}$/);

    later();
    const forBob = await withKey(key, 'POST', '/api/v1/meetings', { name: 'Bob’s 1:1', ownerId: ids.bob });
    assert.equal(forBob.statusCode, 201, forBob.body);
    const oneToOne = forBob.json<MeetingView>();
    assert.equal(oneToOne.ownerId, ids.bob);
    const bobsOwn = (await bob.get('/api/meetings')).json<{ meetings: MeetingView[] }>().meetings;
    assert.ok(
      bobsOwn.some((m) => m.id === oneToOne.id && m.canManage),
      'Bob owns it in the app too',
    );
    later();
    const byBob = (await bob.post('/api/meetings', { name: 'Made in the app' })).json<MeetingView>();

    for (const ownerId of [ids.eve, 'no-such-person']) {
      const res = await withKey(key, 'POST', '/api/v1/meetings', { name: 'Elsewhere', ownerId });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ field: string }>().field, 'ownerId');
    }
    const invalid = await withKey(key, 'POST', '/api/v1/meetings', { name: '' });
    assert.equal(invalid.statusCode, 400);
    assert.equal(code(invalid), 'validation_failed');

    const all = (await withKey(key, 'GET', '/api/v1/meetings')).json<MeetingListView>();
    for (const m of [weekly, oneToOne, byBob]) {
      assert.ok(
        all.meetings.some((x) => x.id === m.id),
        `${m.name} is listed`,
      );
    }
    const page = (await withKey(key, 'GET', '/api/v1/meetings?limit=1')).json<MeetingListView>();
    assert.equal(page.meetings.length, 1);
    assert.equal(page.meetings[0]!.id, byBob.id, 'newest first');
    assert.ok(page.next);
    const second = (
      await withKey(key, 'GET', `/api/v1/meetings?limit=1&before=${page.next}`)
    ).json<MeetingListView>();
    assert.equal(second.meetings[0]!.id, oneToOne.id);
    const bobs = (await withKey(key, 'GET', `/api/v1/meetings?ownerId=${ids.bob}`)).json<MeetingListView>();
    assert.deepEqual(bobs.meetings.map((m) => m.id).sort(), [oneToOne.id, byBob.id].sort());

    const read = await withKey(key, 'GET', `/api/v1/meetings/${byBob.id}`);
    assert.equal(read.json<MeetingView>().name, 'Made in the app');
    const changed = await withKey(key, 'PATCH', `/api/v1/meetings/${byBob.id}`, { name: 'Renamed by a bot' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal((await bob.get(`/api/meetings/${byBob.id}`)).json<MeetingView>().name, 'Renamed by a bot');
    const nothing = await withKey(key, 'PATCH', `/api/v1/meetings/${byBob.id}`, {});
    assert.equal(nothing.statusCode, 400);

    const deleted = await withKey(key, 'DELETE', `/api/v1/meetings/${byBob.id}`);
    assert.equal(deleted.statusCode, 204);
    assert.equal((await bob.get(`/api/meetings/${byBob.id}`)).statusCode, 404);

    // Another organisation's key sees none of it.
    const eve = await signedInClient(t, 'eve@globex.test', 'Eve long password');
    const { key: theirs } = await makeKey(eve, ['meetings:read', 'meetings:write']);
    assert.equal((await withKey(theirs, 'GET', `/api/v1/meetings/${weekly.id}`)).statusCode, 404);
    assert.equal((await withKey(theirs, 'DELETE', `/api/v1/meetings/${weekly.id}`)).statusCode, 404);
    const theirList = (await withKey(theirs, 'GET', '/api/v1/meetings')).json<MeetingListView>();
    assert.ok(!theirList.meetings.some((m) => m.id === weekly.id));
  });

  test('IAM-ROLES: a key is refused with 403 insufficient_scope outside its scopes, and 401 api_key_invalid when it is not one', async () => {
    const { key } = await makeKey(ada, ['meetings:read']);
    const meeting = (await bob.post('/api/meetings', { name: 'Read only' })).json<MeetingView>();
    assert.equal((await withKey(key, 'GET', `/api/v1/meetings/${meeting.id}`)).statusCode, 200);
    for (const [method, url, scope] of [
      ['POST', '/api/v1/meetings', 'meetings:write'],
      ['PATCH', `/api/v1/meetings/${meeting.id}`, 'meetings:write'],
      ['DELETE', `/api/v1/meetings/${meeting.id}`, 'meetings:write'],
      ['GET', `/api/v1/meetings/${meeting.id}/participants`, 'participants:read'],
      ['POST', `/api/v1/meetings/${meeting.id}/end`, 'participants:moderate'],
      ['GET', '/api/v1/reports/usage?from=2026-01-01&to=2026-01-31', 'reports:read'],
    ] as const) {
      const res = await withKey(
        key,
        method,
        url,
        method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' },
      );
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      assert.equal(code(res), 'insufficient_scope');
      assert.equal(res.json<{ field: string }>().field, scope);
    }
    assert.equal((await bob.get(`/api/meetings/${meeting.id}`)).json<MeetingView>().name, 'Read only');

    const malformed = await withKey('not-a-key', 'GET', '/api/v1/meetings');
    const unknown = await withKey(`cnk_${'A'.repeat(43)}`, 'GET', '/api/v1/meetings');
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/meetings' });
    // A signed-in person's cookie is no key.
    const cookie = await ada.get('/api/v1/meetings');
    for (const res of [malformed, unknown, none, cookie]) {
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(code(res), 'api_key_invalid');
    }
  });

  test('ADM-USAGE: a key with reports:read reads the usage report the administration shows', async () => {
    const { key } = await makeKey(ada, ['reports:read'], 'Reporting');
    const period = 'from=2026-01-01&to=2026-01-31&timeZone=Europe/Zurich';
    const res = await withKey(key, 'GET', `/api/v1/reports/usage?${period}`);
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json<UsageReport>();
    assert.equal(report.days.length, 31);
    assert.equal(report.timeZone, 'Europe/Zurich');
    assert.deepEqual(report, (await ada.get(`/api/reports/usage?${period}`)).json<UsageReport>());
    const tooLong = await withKey(key, 'GET', '/api/v1/reports/usage?from=2020-01-01&to=2026-01-31');
    assert.equal(tooLong.statusCode, 400);
  });

  test('IAM-ROLES: no person route and no route outside the platform API takes a key', async () => {
    const { key } = await makeKey(ada);
    for (const [method, url] of [
      ['GET', '/api/auth/session'],
      ['GET', '/api/meetings'],
      ['POST', '/api/meetings'],
      ['GET', '/api/api-keys'],
      ['POST', '/api/api-keys'],
      ['GET', '/api/users'],
      ['GET', '/api/audit'],
      ['GET', '/api/reports/usage'],
    ] as const) {
      const res = await withKey(key, method, url, method === 'POST' ? { name: 'Sneaky' } : undefined);
      assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
      assert.equal(code(res), 'unauthorized');
    }
    // Deny by default: a path under /api/v1 that is no operation exists for nobody.
    const unknown = await withKey(key, 'GET', '/api/v1/users');
    assert.equal(unknown.statusCode, 404);
  });

  test('IAM-REVOKE: a revoked key is refused at once, and so is a key whose maker lost their rights', async () => {
    const { key, id } = await makeKey(ada, ['meetings:read']);
    assert.equal((await withKey(key, 'GET', '/api/v1/meetings')).statusCode, 200);
    assert.equal((await ada.delete(`/api/api-keys/${id}`)).statusCode, 204);
    const revoked = await withKey(key, 'GET', '/api/v1/meetings');
    assert.equal(revoked.statusCode, 401);
    assert.equal(code(revoked), 'api_key_invalid');

    const bySue = await makeKey(sue, ['meetings:read'], 'Sue’s script');
    assert.equal((await withKey(bySue.key, 'GET', '/api/v1/meetings')).statusCode, 200);
    const demoted = await ada.put(`/api/users/${ids.sue}/role`, { role: 'user' });
    assert.equal(demoted.statusCode, 200, demoted.body);
    const refused = await withKey(bySue.key, 'GET', '/api/v1/meetings');
    assert.equal(refused.statusCode, 401);
    assert.match(refused.json<{ message: string }>().message, /Sue.*no longer manages/);
    assert.equal((await ada.put(`/api/users/${ids.sue}/role`, { role: 'superuser' })).statusCode, 200);
    assert.equal((await withKey(bySue.key, 'GET', '/api/v1/meetings')).statusCode, 200);
    assert.equal((await ada.post(`/api/users/${ids.sue}/revoke`)).statusCode, 200);
    assert.equal((await withKey(bySue.key, 'GET', '/api/v1/meetings')).statusCode, 401);
    assert.equal((await ada.post(`/api/users/${ids.sue}/restore`)).statusCode, 200);
  });

  test('ADM-AUDIT: making, using (refused uses too) and revoking a key are in the audit log, never the key', async () => {
    const made = await makeKey(ada, ['meetings:read'], 'Audited bot');
    await withKey(made.key, 'GET', '/api/v1/meetings');
    await withKey(made.key, 'POST', '/api/v1/meetings', { name: 'Not allowed' });
    await ada.delete(`/api/api-keys/${made.id}`);
    const page = (await ada.get(`/api/audit?targetId=${made.id}`)).json<AuditPageView>();
    const seen = page.events
      .map((e) => [e.action, e.actor.name, e.details.operation ?? null, e.details.refused ?? null])
      .reverse();
    assert.deepEqual(seen, [
      ['apiKey.created', 'Ada Admin', null, null],
      ['apiKey.used', 'API key “Audited bot”', 'listMeetings', null],
      ['apiKey.used', 'API key “Audited bot”', 'createMeeting', 'insufficient_scope'],
      ['apiKey.revoked', 'Ada Admin', null, null],
    ]);
    const used = page.events.find((e) => e.action === 'apiKey.used')!;
    assert.equal(used.clientIp, '198.51.100.7');
    assert.equal(used.details.prefix, made.prefix);
    const everything = JSON.stringify((await ada.get('/api/audit?limit=200')).json<AuditPageView>());
    assert.ok(!everything.includes(made.key.slice(12)), 'the key is in no entry');
    const listed = (await ada.get('/api/api-keys')).json<ApiKeyListView>();
    assert.ok(!listed.keys.some((k) => k.id === made.id));

    // A meeting a key deleted names the key as who did it.
    const { key } = await makeKey(ada, ['meetings:write'], 'Cleaner');
    const m = (await bob.post('/api/meetings', { name: 'To go' })).json<MeetingView>();
    assert.equal((await withKey(key, 'DELETE', `/api/v1/meetings/${m.id}`)).statusCode, 204);
    const deletion = (await ada.get(`/api/audit?targetId=${m.id}`)).json<AuditPageView>().events[0];
    assert.equal(deletion?.action, 'meeting.deleted');
    assert.equal(deletion.actor.name, 'API key “Cleaner”');
  });

  test('IAM-ROLES: each key has its own rate limit, counted before the request is done', async () => {
    const limited = await startTestApp(database, { env: { CONCLAVE_API_KEY_REQUESTS_PER_MINUTE: '2' } });
    try {
      const { key } = await makeKey(ada, ['meetings:write'], 'Busy bot');
      const { key: other } = await makeKey(ada, ['meetings:read'], 'Quiet bot');
      const call = (k: string, name: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/meetings',
          headers: { authorization: `Bearer ${k}` },
          payload: { name },
        });
      assert.equal((await call(key, 'First')).statusCode, 201);
      assert.equal((await call(key, 'Second')).statusCode, 201);
      const third = await call(key, 'Third');
      assert.equal(third.statusCode, 429);
      assert.equal(code(third), 'rate_limited');
      assert.ok(Number(third.headers['retry-after']) > 0);
      const made = (await ada.get('/api/meetings')).json<{ meetings: MeetingView[] }>().meetings;
      assert.ok(!made.some((m) => m.name === 'Third'), 'the refused request did nothing');
      // Another key is not slowed by it (and a scope refusal still counts as a request).
      assert.equal((await call(other, 'Nope')).statusCode, 403);
      limited.clock.advance(61_000);
      assert.equal((await call(key, 'Later')).statusCode, 201);
    } finally {
      await limited.close();
    }
  });

  test('MEET-CREATE: a client generated from the OpenAPI document (openapi-typescript, openapi-fetch) makes and lists meetings with a key', async () => {
    const { key } = await makeKey(ada, ['meetings:read', 'meetings:write', 'participants:read'], 'Typed');
    const { key: readOnly } = await makeKey(ada, ['meetings:read'], 'Typed, read only');
    const server = await startTestApp(database);
    try {
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });

      const created = await api.POST('/api/v1/meetings', {
        body: { name: 'Made by a typed client', ownerId: ids.bob, e2ee: true },
      });
      assert.equal(created.response.status, 201);
      assert.ok(created.data);
      assert.equal(created.data.ownerId, ids.bob);
      assert.equal(created.data.e2ee, true);

      const listed = await api.GET('/api/v1/meetings', {
        params: { query: { ownerId: ids.bob, limit: 200 } },
      });
      assert.ok(
        listed.data?.meetings.some((m) => m.id === created.data.id && m.name === 'Made by a typed client'),
      );

      const roster = await api.GET('/api/v1/meetings/{id}/participants', {
        params: { path: { id: created.data.id } },
      });
      const expected: RosterView = { live: false, participants: [] };
      assert.deepEqual(roster.data, expected, 'nobody is in it');

      const refused = await createClient<paths>({
        baseUrl,
        headers: { authorization: `Bearer ${readOnly}` },
      }).POST('/api/v1/meetings', { body: { name: 'Read only' } });
      assert.equal(refused.response.status, 403);
      assert.equal(refused.error?.code, 'insufficient_scope');
    } finally {
      await server.close();
    }
  });
});
