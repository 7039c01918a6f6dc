import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { AuditPageView, PasswordResetStatus, SessionView } from '@conclave/protocol';
import { PUBLIC_URL, setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { TestSmtp } from './support/smtp';
import { makeTestTls, type TestTls } from './support/tls';

const NEW_PASSWORD = 'a brand new password';

describeEachDatabase('IAM-LOCAL: a forgotten password is reset by a link mailed to the account', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let tls: TestTls;
  let smtp: TestSmtp;
  let ada: TestClient;
  let organisationId: string;

  before(async () => {
    tls = makeTestTls();
    smtp = await TestSmtp.start(tls);
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { mail: { url: smtp.url, ca: readFileSync(tls.caFile, 'utf8') } });
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
  });
  after(async () => {
    await t?.close();
    await database?.close();
    await smtp?.stop();
    tls?.remove();
  });

  const ask = (email: string, from = new TestClient(t.app)) =>
    from.post('/api/auth/password-reset', { email });
  const linkIn = (text: string) => {
    const link = new RegExp(`${PUBLIC_URL}/reset-password#token=([A-Za-z0-9_-]+)`).exec(text);
    assert.ok(link, text);
    return link[1]!;
  };

  test('IAM-LOCAL: the link arrives over TLS, sets a new password once, ends every other session of the account and signs this browser in', async () => {
    assert.deepEqual(
      (await new TestClient(t.app).get('/api/auth/password-reset')).json<PasswordResetStatus>(),
      { available: true },
    );
    const [bob] = await signedInUsers(t, database, organisationId, ['Bob']);
    const bobElsewhere = new TestClient(t.app);
    assert.equal((await bobElsewhere.signIn('bob@acme.test', 'Bob long password')).statusCode, 200);
    const ended: string[] = [];
    t.services.events.on('sessionEnded', (id) => ended.push(id));

    const asked = await ask('Bob@ACME.test');
    assert.equal(asked.statusCode, 202);
    const mail = await smtp.next('bob@acme.test');
    assert.equal(mail.overTls, true, 'STARTTLS was used');
    assert.equal(mail.subject, 'Reset your Conclave password');
    assert.match(mail.text, /within 30 minutes/);
    const token = linkIn(mail.text);

    const browser = new TestClient(t.app);
    const shown = await browser.post('/api/auth/password-reset/link', { token });
    assert.deepEqual(shown.json(), { email: 'bob@acme.test' });
    const done = await browser.post('/api/auth/password-reset/complete', { token, password: NEW_PASSWORD });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json<SessionView>().user.email, 'bob@acme.test');
    assert.equal((await browser.get('/api/auth/session')).statusCode, 200, 'this browser is signed in');
    for (const other of [bob, bobElsewhere])
      assert.equal((await other.get('/api/auth/session')).statusCode, 401, 'every other session ended');
    assert.equal(ended.length, 2, 'their live connections are told to end');

    assert.equal((await new TestClient(t.app).signIn('bob@acme.test', 'Bob long password')).statusCode, 401);
    assert.equal((await new TestClient(t.app).signIn('bob@acme.test', NEW_PASSWORD)).statusCode, 200);
    const again = await new TestClient(t.app).post('/api/auth/password-reset/complete', {
      token: token,
      password: 'yet another password',
    });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json<{ code: string }>().code, 'reset_invalid', 'the link works once');

    const log = (await ada.get('/api/audit?action=user.passwordReset')).json<AuditPageView>();
    assert.deepEqual(
      log.events.map((e) => [e.actor.name, e.target.name]),
      [['Password reset', 'Bob <bob@acme.test>']],
    );
    const logs = t.logs.join('\n');
    assert.ok(!logs.includes(token), 'the link is never logged');
    assert.ok(
      !logs.includes(smtp.password) && !logs.includes(encodeURIComponent(smtp.password)),
      'nor the SMTP password',
    );
  });

  test('IAM-LOCAL: an unknown address, a revoked account and an account of an "SSO only" organisation get the same answer and no mail', async () => {
    const [carol] = await signedInUsers(t, database, organisationId, ['Carol', 'Gina']);
    const carolsId = (await carol.get('/api/auth/session')).json<SessionView>().user.id;
    assert.equal((await ada.post(`/api/users/${carolsId}/revoke`, {})).statusCode, 200);
    const ssoOnly = await ada.request('PUT', '/api/sso', {
      protocol: 'saml',
      entityId: 'https://idp.example.test/saml',
      ssoUrl: 'https://idp.example.test/saml/sso',
      certificate: tls.cert,
      ssoOnly: true,
    });
    assert.equal(ssoOnly.statusCode, 200, ssoOnly.body);
    for (const email of ['nobody@acme.test', 'carol@acme.test', 'gina@acme.test']) {
      const answer = await ask(email);
      assert.deepEqual([answer.statusCode, answer.body], [202, '{"accepted":true}'], email);
    }
    // The Administrator keeps a password under "SSO only": their mail goes out, after the others'
    // would have (each is looked up in the order asked).
    await ask('ada@acme.test');
    await smtp.next('ada@acme.test');
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [],
      'no mail to anyone else',
    );
    await ada.request('PUT', '/api/sso', { protocol: null });
  });

  test('IAM-LOCAL: a link expires after 30 minutes, and a newer request replaces an older link', async () => {
    await signedInUsers(t, database, organisationId, ['Dan']);
    await ask('dan@acme.test');
    const first = linkIn((await smtp.next('dan@acme.test')).text);
    await ask('dan@acme.test');
    const second = linkIn((await smtp.next('dan@acme.test')).text);
    assert.equal(
      (await new TestClient(t.app).post('/api/auth/password-reset/link', { token: first })).statusCode,
      404,
    );
    assert.equal(
      (await new TestClient(t.app).post('/api/auth/password-reset/link', { token: second })).statusCode,
      200,
    );
    t.clock.advance(30 * 60_000 + 1);
    const late = await new TestClient(t.app).post('/api/auth/password-reset/complete', {
      token: second,
      password: NEW_PASSWORD,
    });
    assert.equal(late.json<{ code: string }>().code, 'reset_invalid');
  });

  test('IAM-LOCAL: two uses of one link at once: exactly one sets the password', async () => {
    await signedInUsers(t, database, organisationId, ['Erin']);
    await ask('erin@acme.test');
    const token = linkIn((await smtp.next('erin@acme.test')).text);
    const results = await Promise.all(
      ['one new password', 'another new password'].map((password) =>
        new TestClient(t.app).post('/api/auth/password-reset/complete', { token: token, password }),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 404]);
  });

  test('IAM-LOCAL: requests are counted per address and per client before anything is looked up', async () => {
    const perAddress = [];
    for (let i = 0; i < 4; i++)
      perAddress.push((await ask('frank@acme.test', new TestClient(t.app, `10.1.0.${i}`))).statusCode);
    assert.deepEqual(perAddress, [202, 202, 202, 429], 'three mails an hour to one address');
    const client = new TestClient(t.app, '10.2.0.1');
    const perClient = [];
    for (let i = 0; i < 21; i++) perClient.push((await ask(`someone${i}@acme.test`, client)).statusCode);
    assert.deepEqual([...new Set(perClient.slice(0, 20))], [202]);
    assert.equal(perClient[20], 429, 'twenty requests an hour from one client');
  });
});

describeEachDatabase('IAM-LOCAL: without an SMTP server there is no password reset by email', (kind) => {
  test('IAM-LOCAL: the sign-in page is told reset is unavailable, and a request is refused', async () => {
    const database = await createTestDatabase(kind);
    const t = await startTestApp(database);
    try {
      await setUp(t);
      const client = new TestClient(t.app);
      assert.deepEqual((await client.get('/api/auth/password-reset')).json(), { available: false });
      assert.equal(
        (await client.post('/api/auth/password-reset', { email: 'ada@acme.test' })).statusCode,
        404,
      );
    } finally {
      await t.close();
      await database.close();
    }
  });
});
