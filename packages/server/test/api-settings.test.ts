import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_SETTINGS, type AuditPageView, type Settings } from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, type TestApp, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('ADM-SETTINGS: the organisation’s settings', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let sam: TestClient;
  let carol: TestClient;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const done = await setUp(t);
    ada = done.client;
    [sam, carol] = await signedInUsers(t, database, done.session.organisation.id, ['Sam', 'Carol'], {
      Sam: 'superuser',
    });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const settings = async (client: TestClient) => {
    const res = await client.get('/api/settings');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Settings>();
  };

  test('ADM-SETTINGS: every section starts at its default, changes a section at a time, and is kept; each change is audited', async () => {
    assert.deepEqual(await settings(ada), DEFAULT_SETTINGS);
    const changed = await sam.patch('/api/settings', {
      chat: { enabled: false },
      invites: {
        dialInNumbers: [{ label: 'Zürich', number: '+41 44 123 45 67' }],
        callDetails: 'PIN follows',
      },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const now = await settings(ada);
    assert.deepEqual(now, {
      ...DEFAULT_SETTINGS,
      chat: { enabled: false },
      invites: {
        dialInNumbers: [{ label: 'Zürich', number: '+41 44 123 45 67' }],
        callDetails: 'PIN follows',
      },
    });
    const log = (await ada.get('/api/audit?action=settings.changed')).json<AuditPageView>();
    assert.deepEqual(log.events.map((e) => [e.actor.name, e.details.section]).sort(), [
      ['Sam', 'chat'],
      ['Sam', 'invites'],
    ]);
    const chat = log.events.find((e) => e.details.section === 'chat')!;
    assert.deepEqual(
      [chat.details.from, chat.details.to],
      ['{"enabled":true}', '{"enabled":false}'],
      'what it was and what it became',
    );
    // Asking for what is already set changes and logs nothing.
    await sam.patch('/api/settings', { chat: { enabled: false } });
    assert.equal(
      (await ada.get('/api/audit?action=settings.changed')).json<AuditPageView>().events.length,
      2,
    );
  });

  test('ADM-SETTINGS: bad input is refused with 400 and changes nothing, not even the valid sections beside it', async () => {
    const before = await settings(ada);
    for (const body of [
      { layouts: { default: 'mosaic' } },
      { branding: { accentColour: 'red' } },
      { domains: { allowed: ['not a domain'] } },
      { chat: { enabled: true }, colours: {} },
      {
        chat: { enabled: true },
        invites: { dialInNumbers: [{ label: 'x', number: 'call me' }], callDetails: '' },
      },
    ]) {
      const res = await ada.patch('/api/settings', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    }
    assert.deepEqual(await settings(ada), before);
  });

  test('ADM-SETTINGS: a User neither reads nor changes them', async () => {
    assert.equal((await carol.get('/api/settings')).statusCode, 403);
    assert.equal((await carol.patch('/api/settings', { chat: { enabled: true } })).statusCode, 403);
  });

  test('IAM-DOMAINS: with allowed domains set, new accounts get only addresses there', async () => {
    const newAccount = (email: string) =>
      ada.post('/api/users', { email, displayName: 'New', password: 'a long first password' });
    assert.equal((await newAccount('anyone@elsewhere.test')).statusCode, 201, 'any domain by default');
    await ada.patch('/api/settings', { domains: { allowed: ['acme.test', 'Acme-Labs.test'] } });
    const refused = await newAccount('someone@elsewhere.test');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'domain_not_allowed');
    assert.equal(
      (await newAccount('someone@sub.acme.test')).statusCode,
      403,
      'a subdomain is another domain',
    );
    assert.equal((await newAccount('dora@acme-labs.test')).statusCode, 201, 'domains compare lower-cased');
    await ada.patch('/api/settings', { domains: { allowed: [] } });
  });
});
