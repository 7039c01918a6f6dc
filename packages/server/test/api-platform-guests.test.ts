import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type {
  ApiKeyCreatedView,
  ApiKeyScope,
  AuditPageView,
  MeetingView,
  PlatformGuestToken,
} from '@conclave/protocol';
import { addOrganisation, addUser, setUp, signedInUsers, startTestApp, type TestApp } from './support/app';
import type { TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/**
 * Guest tokens through the platform API (docs/sdk.md): the backend of another web app lets a named
 * guest into a meeting with a key, and hands the token to its page, which joins with the SDK.
 */
describeEachDatabase('platform API: guest tokens for the SDK', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let bob: TestClient;
  let globexMeetingId = '';
  let organisationId = '';

  const makeKey = async (scopes: ApiKeyScope[], name = 'Intranet') => {
    const res = await ada.post('/api/api-keys', { name, scopes });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<ApiKeyCreatedView>();
  };
  const askForGuest = (key: string, meetingId: string, displayName = 'Gina from the intranet') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/meetings/${meetingId}/guests`,
      headers: { authorization: `Bearer ${key}` },
      payload: { displayName },
    });
  const meeting = async (body: object) => {
    const res = await bob.post('/api/meetings', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const code = (res: { json: <T>() => T }) => res.json<{ code: string }>().code;
  /** Who the signaling socket would take a token's holder for (null: not let in). */
  const guestOf = (token: string) => t.services.principals.principalFromGuestToken(token);

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
    [bob] = await signedInUsers(t, database, done.session.organisation.id, ['Bob']);
    const globex = await addOrganisation(database, 'Globex');
    const eve = await addUser(database, globex, {
      email: 'eve@globex.test',
      password: 'Eve long password',
      displayName: 'Eve',
      role: 'administrator',
    });
    globexMeetingId = (
      await t.services.meetings.create(
        {
          kind: 'user',
          userId: eve,
          organisationId: globex,
          displayName: 'Eve',
          role: 'administrator',
          sessionId: 'x',
        },
        { name: 'Globex only' },
      )
    ).id;
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('IAM-GUEST: a key with participants:join gets a guest token for a meeting; the token is that named guest of that meeting and needs no passcode', async () => {
    const { key, id: keyId } = await makeKey(['participants:join']);
    const m = await meeting({ name: 'Intranet town hall', lobby: 'guests' });
    const set = await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '482913' });
    assert.equal(set.statusCode, 200, set.body);

    const res = await askForGuest(key, m.id, '  Gina   Guest ');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const issued = res.json<PlatformGuestToken>();
    assert.deepEqual(Object.keys(issued).sort(), ['expiresAt', 'meetingId', 'signalingUrl', 'token']);
    assert.equal(issued.meetingId, m.id);
    assert.equal(issued.signalingUrl, 'ws://conclave.test:8080/api/signal');
    assert.equal(new Date(issued.expiresAt).getTime() - t.clock.now().getTime(), 12 * 3600_000);

    const guest = await guestOf(issued.token);
    assert.deepEqual(guest, {
      kind: 'guest',
      guestId: guest?.guestId,
      organisationId,
      meetingId: m.id,
      displayName: 'Gina Guest',
      apiKeyId: keyId,
    });
    const row = await database.db
      .selectFrom('guest_tokens')
      .selectAll()
      .where('meeting_id', '=', m.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.token_hash, createHash('sha256').update(issued.token).digest('hex'));
    assert.equal(row.api_key_id, keyId);

    // At the door (the signaling join): the key's guest needs no passcode, a guest by link does.
    const record = (await t.services.meetingStore.findMeeting(m.id))!;
    await t.services.meetingEntry.admit(record, guest, undefined, '203.0.113.5');
    const byLink = await t.services.auth.issueGuest(record, 'Linda by link');
    await assert.rejects(t.services.meetingEntry.admit(record, byLink.principal, undefined, '203.0.113.5'), {
      code: 'passcode_required',
    });

    // The key's use is in the audit log, under the operation's name; the token is in no entry.
    const audit = (await ada.get(`/api/audit?targetId=${keyId}`)).json<AuditPageView>();
    assert.deepEqual(
      audit.events.filter((e) => e.action === 'apiKey.used').map((e) => e.details.operation),
      ['createGuest'],
    );
    assert.ok(!JSON.stringify(audit).includes(issued.token));
  });

  test('IAM-ROLES: without participants:join a key gets no guest token (403); nor for another organisation’s meeting, nor for a bad name', async () => {
    const { key } = await makeKey(['meetings:read', 'meetings:write', 'participants:moderate'], 'No guests');
    const m = await meeting({ name: 'Closed' });
    const refused = await askForGuest(key, m.id);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(code(refused), 'insufficient_scope');
    assert.equal(refused.json<{ field: string }>().field, 'participants:join');

    const { key: joiner } = await makeKey(['participants:join'], 'Guests only');
    const elsewhere = await askForGuest(joiner, globexMeetingId);
    assert.equal(elsewhere.statusCode, 404, elsewhere.body);
    assert.equal(code(elsewhere), 'meeting_not_found');
    const nameless = await askForGuest(joiner, m.id, '   ');
    assert.equal(nameless.statusCode, 400, nameless.body);
    assert.equal(nameless.json<{ field: string }>().field, 'displayName');
    const rows = await database.db
      .selectFrom('guest_tokens')
      .selectAll()
      .where('meeting_id', '=', m.id)
      .execute();
    assert.deepEqual(rows, [], 'no token was made');
  });

  test('E2EE-OPTIN: an end-to-end encrypted meeting gets no guest through a key (409 e2ee_unavailable)', async () => {
    const { key } = await makeKey(['participants:join'], 'E2EE refused');
    const m = await meeting({ name: 'Board', e2ee: true });
    const res = await askForGuest(key, m.id);
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(code(res), 'e2ee_unavailable');
    const rows = await database.db
      .selectFrom('guest_tokens')
      .selectAll()
      .where('meeting_id', '=', m.id)
      .execute();
    assert.deepEqual(rows, []);
  });

  test('IAM-REVOKE: once its key is revoked, a guest token it issued lets nobody in', async () => {
    const made = await makeKey(['participants:join'], 'Revoked later');
    const m = await meeting({ name: 'Drop-in' });
    const res = await askForGuest(made.key, m.id);
    assert.equal(res.statusCode, 201, res.body);
    const { token } = res.json<PlatformGuestToken>();
    assert.ok(await guestOf(token));
    assert.equal((await ada.delete(`/api/api-keys/${made.id}`)).statusCode, 204);
    assert.equal(await guestOf(token), null);
  });
});
