import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AccountSessionView, AccountView, AuditPageView } from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:135.0) Gecko/20100101 Firefox/135.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

describeEachDatabase('IAM-LOCAL: a person manages their own account', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let organisationId: string;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  /** A second browser of the same person, signed in with this User-Agent. */
  const browserOf = async (email: string, password: string, userAgent: string) => {
    const client = new TestClient(t.app);
    const res = await client.request(
      'POST',
      '/api/auth/sign-in',
      { email, password },
      { headers: { 'user-agent': userAgent } },
    );
    assert.equal(res.statusCode, 200, res.body);
    const seen = await client.request('GET', '/api/auth/session', undefined, {
      headers: { 'user-agent': userAgent },
    });
    assert.equal(seen.statusCode, 200);
    return client;
  };
  const auditOf = async (action: string) =>
    (await ada.get(`/api/audit?action=${action}`)).json<AuditPageView>().events;

  test('IAM-LOCAL, ADM-AUDIT: a person renames themself under the one rule for names; the audit log has it', async () => {
    const [bob] = await signedInUsers(t, database, organisationId, ['Bob']);
    const view = (await bob.get('/api/account')).json<AccountView>();
    assert.deepEqual([view.user.displayName, view.hasPassword, view.ssoOnly], ['Bob', true, false]);
    const bad = await bob.patch('/api/account', { displayName: 'Bob\u202Eevil' });
    assert.deepEqual([bad.statusCode, bad.json<{ field?: string }>().field], [400, 'displayName']);
    const renamed = await bob.patch('/api/account', { displayName: '  Bob Builder ' });
    assert.equal(renamed.json<AccountView>().user.displayName, 'Bob Builder');
    assert.equal(
      (await bob.get('/api/auth/session')).json<{ user: { displayName: string } }>().user.displayName,
      'Bob Builder',
    );
    const events = await auditOf('user.renamed');
    assert.deepEqual(
      events.map((e) => [e.actor.name, e.details.from, e.details.to]),
      [['Bob', 'Bob', 'Bob Builder']],
    );
  });

  test('IAM-LOCAL: changing the password needs the current one (wrong guesses are counted); every other session ends, this one stays', async () => {
    const [carol] = await signedInUsers(t, database, organisationId, ['Carol']);
    const carolElsewhere = await browserOf('carol@acme.test', 'Carol long password', FIREFOX_WINDOWS);
    const ended: string[] = [];
    t.services.events.on('sessionEnded', (id) => ended.push(id));

    const wrong = await carol.post('/api/account/password', {
      currentPassword: 'not it',
      newPassword: 'Carol second password',
    });
    assert.deepEqual(
      [wrong.statusCode, wrong.json<{ code: string; field: string }>().field],
      [400, 'currentPassword'],
    );
    const done = await carol.post('/api/account/password', {
      currentPassword: 'Carol long password',
      newPassword: 'Carol second password',
    });
    assert.equal(done.statusCode, 204, done.body);
    assert.equal((await carol.get('/api/auth/session')).statusCode, 200, 'this session stays');
    assert.equal((await carolElsewhere.get('/api/auth/session')).statusCode, 401, 'the other one ended');
    assert.equal(ended.length, 1, 'with its live connections');
    assert.equal(
      (await new TestClient(t.app).signIn('carol@acme.test', 'Carol long password')).statusCode,
      401,
    );
    assert.equal(
      (await new TestClient(t.app).signIn('carol@acme.test', 'Carol second password')).statusCode,
      200,
    );
    assert.deepEqual(
      (await auditOf('user.passwordChanged')).map((e) => [e.actor.name, e.details.sessionsEnded]),
      [['Carol', 1]],
    );

    const guesses = [];
    for (let i = 0; i < 6; i++)
      guesses.push(
        (
          await carol.post('/api/account/password', {
            currentPassword: `guess ${i}`,
            newPassword: 'Carol third password',
          })
        ).statusCode,
      );
    assert.deepEqual(
      guesses,
      [400, 400, 400, 400, 429, 429],
      'with the wrong one before, five wrong guesses in 15 minutes, then a wait',
    );
    const meanwhile = await carol.post('/api/account/password', {
      currentPassword: 'Carol second password',
      newPassword: 'Carol third password',
    });
    assert.equal(meanwhile.statusCode, 429, 'even the right one waits');
    t.clock.advance(15 * 60_000);
    assert.equal(
      (
        await carol.post('/api/account/password', {
          currentPassword: 'Carol second password',
          newPassword: 'Carol third password',
        })
      ).statusCode,
      204,
    );
  });

  test('IAM-LOCAL, ADM-AUDIT: the sessions list names each browser and marks this one; one or all others can be signed out, nobody else’s', async () => {
    const [dan] = await signedInUsers(t, database, organisationId, ['Dan']);
    const firefox = await browserOf('dan@acme.test', 'Dan long password', FIREFOX_WINDOWS);
    const iphone = await browserOf('dan@acme.test', 'Dan long password', SAFARI_IPHONE);
    const list = (await firefox.get('/api/account/sessions')).json<{ sessions: AccountSessionView[] }>()
      .sessions;
    assert.equal(list.length, 3);
    assert.deepEqual(
      list
        .filter((s) => s.device !== null)
        .map((s) => [s.device, s.current])
        .sort(),
      [
        ['Firefox on Windows', true],
        ['Safari on iPhone', false],
      ],
    );
    const iphoneSession = list.find((s) => s.device === 'Safari on iPhone')!;
    const ednasOwn = (await ada.get('/api/account/sessions')).json<{ sessions: AccountSessionView[] }>()
      .sessions[0]!;
    assert.equal(
      (await firefox.delete(`/api/account/sessions/${ednasOwn.id}`)).statusCode,
      404,
      'not someone else’s',
    );
    const current = list.find((s) => s.current)!;
    assert.equal((await firefox.delete(`/api/account/sessions/${current.id}`)).statusCode, 400);
    assert.equal((await firefox.delete(`/api/account/sessions/${iphoneSession.id}`)).statusCode, 204);
    assert.equal((await iphone.get('/api/auth/session')).statusCode, 401);
    assert.equal((await ada.get('/api/auth/session')).statusCode, 200);

    const others = await firefox.post('/api/account/sessions/sign-out-others', {});
    assert.deepEqual(others.json(), { ended: 1 });
    assert.equal((await dan.get('/api/auth/session')).statusCode, 401);
    assert.equal((await firefox.get('/api/auth/session')).statusCode, 200);
    const events = (await auditOf('user.signedOutElsewhere')).filter((e) => e.actor.name === 'Dan');
    assert.deepEqual(events.map((e) => e.details.sessions).sort(), [1, 1]);
  });

  test('IAM-LOCAL: under "SSO only" a User has no password to change; the Administrator still has one', async () => {
    const [erin] = await signedInUsers(t, database, organisationId, ['Erin']);
    const cert = (await import('./support/tls')).makeTestTls();
    try {
      const set = await ada.request('PUT', '/api/sso', {
        protocol: 'saml',
        entityId: 'https://idp.example.test/saml',
        ssoUrl: 'https://idp.example.test/saml/sso',
        certificate: cert.cert,
        ssoOnly: true,
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal((await erin.get('/api/account')).json<AccountView>().ssoOnly, true);
      const refused = await erin.post('/api/account/password', {
        currentPassword: 'Erin long password',
        newPassword: 'Erin second password',
      });
      assert.deepEqual([refused.statusCode, refused.json<{ code: string }>().code], [403, 'sso_only']);
      assert.equal((await ada.get('/api/account')).json<AccountView>().ssoOnly, false);
    } finally {
      await ada.request('PUT', '/api/sso', { protocol: null });
      cert.remove();
    }
  });
});
