import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuditPageView, SessionView, SsoConfigView, SsoStatus } from '@conclave/protocol';
import { PUBLIC_URL, setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { TestIdp } from './support/oidc-idp';

const CALLBACK = `${PUBLIC_URL}/api/auth/sso/oidc/callback`;

describeEachDatabase('IAM-SSO-OIDC: signing in through an OpenID Connect provider', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let idp: TestIdp;
  let organisationId: string;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { insecureSso: true });
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
    idp = await TestIdp.start(CALLBACK);
  });
  after(async () => {
    await idp?.stop();
    await t?.close();
    await database?.close();
  });

  /** Starts a sign-in in a fresh browser and walks it through the provider; the way back, not yet taken. */
  const goToIdp = async (next = '/directory') => {
    const browser = new TestClient(t.app);
    const start = await browser.get(`/api/auth/sso/oidc/start?next=${encodeURIComponent(next)}`);
    assert.equal(start.statusCode, 302, start.body);
    const attempt = start.cookies.find((c) => c.name === 'conclave_sso');
    assert.ok(attempt?.httpOnly, 'the attempt is named by an HttpOnly cookie');
    const back = await idp.authorize(String(start.headers.location), CALLBACK);
    const comeBack = (url: URL = back, cookie = `conclave_sso=${attempt.value}`) =>
      browser.request('GET', url.pathname + url.search, undefined, { headers: { cookie } });
    return { browser, back, comeBack };
  };
  const refusedWith = (res: {
    statusCode: number;
    headers: Record<string, unknown>;
    cookies: { name: string }[];
  }) => {
    assert.equal(res.statusCode, 303);
    assert.ok(!res.cookies.some((c) => c.name === 'conclave_session'), 'no session');
    return new URL(String(res.headers.location), PUBLIC_URL).searchParams.get('sso_error');
  };

  test('IAM-SSO-OIDC: a Superuser or Administrator configures the provider by its issuer; the secret is never shown or logged', async () => {
    assert.deepEqual((await new TestClient(t.app).get('/api/auth/sso')).json<SsoStatus>(), {
      protocol: null,
      ssoOnly: false,
    });
    const wrong = await ada.request('PUT', '/api/sso', {
      protocol: 'oidc',
      issuer: 'http://127.0.0.1:9/nothing-here',
      clientId: 'x',
    });
    assert.equal(wrong.statusCode, 400, 'an issuer that does not answer discovery is refused');
    const set = await ada.request('PUT', '/api/sso', {
      protocol: 'oidc',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
    });
    assert.equal(set.statusCode, 200, set.body);
    const view = (await ada.get('/api/sso')).json<SsoConfigView>();
    assert.deepEqual(
      [view.protocol, view.oidc, view.saml, view.ssoOnly, view.serviceProvider.oidcRedirectUri],
      ['oidc', { issuer: idp.issuer, clientId: idp.clientId, clientSecretSet: true }, null, false, CALLBACK],
    );
    const log = (await ada.get('/api/audit?action=sso.changed')).json<AuditPageView>();
    assert.equal(log.events.length, 1);
    assert.ok(!JSON.stringify(log).includes(idp.clientSecret), 'no secret in the audit log');
    assert.ok(!t.logs.join('\n').includes(idp.clientSecret), 'no secret in the server log');
    assert.equal((await new TestClient(t.app).get('/api/auth/sso')).json<SsoStatus>().protocol, 'oidc');
  });

  test('IAM-SSO-OIDC: someone new signs in through the provider and gets an account (role User); the next time, the same one', async () => {
    idp.person = { sub: 'alice', email: 'Alice@ACME.test', name: 'Alice Example' };
    const { browser, comeBack } = await goToIdp('/directory');
    const done = await comeBack();
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(done.headers.location, '/directory', 'back where they were going');
    const session = (await browser.get('/api/auth/session')).json<SessionView>();
    assert.deepEqual(
      [session.user.email, session.user.displayName, session.user.role, session.organisation.id],
      ['alice@acme.test', 'Alice Example', 'user', organisationId],
    );
    const again = await goToIdp();
    assert.equal((await again.comeBack()).statusCode, 303);
    assert.equal((await again.browser.get('/api/auth/session')).json<SessionView>().user.id, session.user.id);
    const created = (await ada.get('/api/audit?action=user.created')).json<AuditPageView>().events;
    assert.deepEqual(
      created.map((e) => [e.actor.name, e.target.name]),
      [['Single sign-on', 'Alice Example <alice@acme.test>']],
    );
  });

  test('IAM-SSO-OIDC: a wrong state, a wrong PKCE verifier, a replayed answer and a missing attempt cookie are refused', async () => {
    idp.person = { sub: 'alice', email: 'alice@acme.test', name: 'Alice Example' };
    const forged = await goToIdp();
    const wrongState = new URL(forged.back);
    wrongState.searchParams.set('state', 'not-the-state-we-sent');
    assert.equal(refusedWith(await forged.comeBack(wrongState)), 'sso_failed');

    const tampered = await goToIdp();
    await database.db
      .updateTable('sso_attempts')
      .set({ code_verifier: 'x'.repeat(64) })
      .execute();
    assert.equal(refusedWith(await tampered.comeBack()), 'sso_failed', 'the provider refuses the code');

    const replayed = await goToIdp();
    assert.equal((await replayed.comeBack()).statusCode, 303);
    assert.ok((await replayed.browser.get('/api/auth/session')).statusCode === 200);
    const replay = await new TestClient(t.app).request('GET', replayed.back.pathname + replayed.back.search);
    assert.equal(
      refusedWith(replay),
      'sso_failed',
      'a code is used once, and only by the browser that asked',
    );

    const noCookie = await goToIdp();
    assert.equal(refusedWith(await noCookie.comeBack(noCookie.back, '')), 'sso_failed');
  });

  test('IAM-SSO-OIDC, IAM-DOMAINS, IAM-REVOKE: an unverified address, a domain not allowed and a revoked account get no session', async () => {
    idp.person = { sub: 'mallory', email: 'ada@acme.test', name: 'Not Ada', emailVerified: false };
    assert.equal(refusedWith(await (await goToIdp()).comeBack()), 'sso_failed');

    await ada.patch('/api/settings', { domains: { allowed: ['acme.test'] } });
    idp.person = { sub: 'eve', email: 'eve@elsewhere.test', name: 'Eve' };
    assert.equal(refusedWith(await (await goToIdp()).comeBack()), 'domain_not_allowed');
    await ada.patch('/api/settings', { domains: { allowed: [] } });

    const [bob] = await signedInUsers(t, database, organisationId, ['Bob']);
    const bobsId = (await bob.get('/api/auth/session')).json<SessionView>().user.id;
    assert.equal((await ada.post(`/api/users/${bobsId}/revoke`, {})).statusCode, 200);
    idp.person = { sub: 'bob', email: 'bob@acme.test', name: 'Bob' };
    assert.equal(refusedWith(await (await goToIdp()).comeBack()), 'access_revoked');
  });

  test('IAM-ADMIN-PROTECT, IAM-SSO-OIDC: a provider vouching for the Administrator’s address signs nobody in as the Administrator', async () => {
    // Whoever configures the provider (a Superuser may) could make it vouch for any address.
    idp.person = { sub: 'mallory', email: 'ada@acme.test', name: 'Ada?' };
    assert.equal(refusedWith(await (await goToIdp()).comeBack()), 'sso_failed');
  });

  test('IAM-SSO-OIDC: sign-in starts are limited per address, since each keeps a record until it expires', async () => {
    const stranger = new TestClient(t.app, '10.0.0.9');
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await stranger.get('/api/auth/sso/oidc/start')).statusCode);
    assert.deepEqual([...new Set(statuses.slice(0, 60))], [302]);
    assert.equal(statuses[60], 429);
    assert.equal((await new TestClient(t.app, '10.0.0.10').get('/api/auth/sso/oidc/start')).statusCode, 302);
  });

  test('IAM-SSO-OIDC: "SSO only" refuses passwords, except the Administrator’s', async () => {
    const [carol] = await signedInUsers(t, database, organisationId, ['Carol']);
    const set = await ada.request('PUT', '/api/sso', {
      protocol: 'oidc',
      issuer: idp.issuer,
      clientId: idp.clientId,
      ssoOnly: true,
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json<SsoConfigView>().oidc?.clientSecretSet, true, 'the stored secret is kept');
    const refused = await new TestClient(t.app).signIn('carol@acme.test', 'Carol long password');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'sso_only');
    assert.equal(
      (await new TestClient(t.app).signIn('ada@acme.test', 'correct horse battery staple')).statusCode,
      200,
    );
    assert.equal((await carol.get('/api/sso')).statusCode, 403, 'a User cannot see the configuration');
    await ada.request('PUT', '/api/sso', { protocol: 'oidc', issuer: idp.issuer, clientId: idp.clientId });
  });
});
