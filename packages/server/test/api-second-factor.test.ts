import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generate } from 'otplib';
import type {
  AccountView,
  AuditPageView,
  RecoveryCodesView,
  SessionView,
  TotpSetupView,
} from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('IAM-LOCAL: a second factor from an authenticator app, with recovery codes', (kind) => {
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

  /** The code the app shows now (by the server's clock, which tests move), or `offsetSteps` steps away. */
  const codeFor = (secret: string, offsetSteps = 0) =>
    generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSteps * 30 });
  /** Signs up a person with the app set up; their secret and recovery codes. */
  const withApp = async (name: string) => {
    const [client] = await signedInUsers(t, database, organisationId, [name]);
    const setup = (await client.post('/api/account/totp', {})).json<TotpSetupView>();
    const confirmed = await client.post('/api/account/totp/confirm', { code: await codeFor(setup.secret) });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    // The step just used cannot serve again: the next sign-in uses the next one.
    t.clock.advance(30_000);
    return { client, secret: setup.secret, codes: confirmed.json<RecoveryCodesView>().codes };
  };
  const passwordStep = async (name: string) => {
    const browser = new TestClient(t.app);
    const res = await browser.signIn(`${name.toLowerCase()}@acme.test`, `${name} long password`);
    return { browser, res };
  };
  const secondStep = (browser: TestClient, method: 'totp' | 'recovery', code: string) =>
    browser.post('/api/auth/sign-in/second-factor', { method, code });

  test('IAM-LOCAL, ADM-AUDIT: an authenticator app is set up by confirming a code from it; ten recovery codes are shown once', async () => {
    const [bob] = await signedInUsers(t, database, organisationId, ['Bob']);
    const setup = await bob.post('/api/account/totp', {});
    const { secret, otpauthUri } = setup.json<TotpSetupView>();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(otpauthUri, `otpauth://totp/Conclave:bob%40acme.test?secret=${secret}&issuer=Conclave`);
    const wrong = await bob.post('/api/account/totp/confirm', {
      code: '000000' === (await codeFor(secret)) ? '111111' : '000000',
    });
    assert.deepEqual([wrong.statusCode, wrong.json<{ field?: string }>().field], [400, 'code']);
    assert.equal(
      (await bob.get('/api/account')).json<AccountView>().secondFactors.totp,
      false,
      'not before it is confirmed',
    );
    const confirmed = await bob.post('/api/account/totp/confirm', { code: await codeFor(secret) });
    const { codes } = confirmed.json<RecoveryCodesView>();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    assert.deepEqual((await bob.get('/api/account')).json<AccountView>().secondFactors, {
      totp: true,
      passkeys: [],
      recoveryCodesLeft: 10,
    });
    assert.equal((await bob.post('/api/account/totp', {})).statusCode, 409, 'one app at a time');
    const events = (await ada.get('/api/audit?action=user.secondFactorAdded')).json<AuditPageView>().events;
    assert.deepEqual(
      events.map((e) => [e.actor.name, e.details.method]),
      [['Bob', 'totp']],
    );
    assert.ok(
      !JSON.stringify(events).includes(secret) && !t.logs.join('\n').includes(secret),
      'the secret is never logged',
    );
  });

  test('IAM-LOCAL: after the password, sign-in asks for a code: a right one signs in; a reused, stale or wrong one is refused', async () => {
    const { secret } = await withApp('Carol');
    const { browser, res } = await passwordStep('Carol');
    assert.deepEqual(res.json(), { secondFactor: { methods: ['totp', 'recovery'] } });
    assert.ok(!res.cookies.some((c) => c.name === 'conclave_session'), 'no session yet');
    const challenge = res.cookies.find((c) => c.name === 'conclave_signin');
    assert.ok(
      challenge?.httpOnly && challenge.sameSite === 'Strict',
      'the half-done sign-in is an HttpOnly cookie',
    );
    assert.equal((await browser.get('/api/auth/session')).statusCode, 401);

    const code = await codeFor(secret);
    const done = await secondStep(browser, 'totp', code);
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((await browser.get('/api/auth/session')).statusCode, 200);

    const replay = await passwordStep('Carol');
    const reused = await secondStep(replay.browser, 'totp', code);
    assert.deepEqual(
      [reused.statusCode, reused.json<{ code: string }>().code],
      [401, 'second_factor_failed'],
      'a code serves once',
    );
    assert.equal(
      (await secondStep(replay.browser, 'totp', await codeFor(secret, -3))).statusCode,
      401,
      'a code from 90 s ago is stale',
    );
    t.clock.advance(30_000);
    assert.equal(
      (await secondStep(replay.browser, 'totp', await codeFor(secret))).statusCode,
      200,
      'the next code works',
    );

    const stranger = new TestClient(t.app);
    assert.equal(
      (await secondStep(stranger, 'totp', await codeFor(secret))).statusCode,
      401,
      'no code without the password first',
    );
  });

  test('IAM-LOCAL: a recovery code signs in once, in any case and with or without dashes; renewing them voids the old ones', async () => {
    const { client, codes } = await withApp('Dan');
    const first = await passwordStep('Dan');
    assert.equal(
      (await secondStep(first.browser, 'recovery', codes[0]!.toUpperCase().replace(/-/g, ' '))).statusCode,
      200,
    );
    const again = await passwordStep('Dan');
    assert.equal((await secondStep(again.browser, 'recovery', codes[0]!)).statusCode, 401, 'used already');
    assert.equal((await client.get('/api/account')).json<AccountView>().secondFactors.recoveryCodesLeft, 9);

    const wrongPassword = await client.post('/api/account/recovery-codes', { currentPassword: 'not it' });
    assert.deepEqual(
      [wrongPassword.statusCode, wrongPassword.json<{ field?: string }>().field],
      [400, 'currentPassword'],
    );
    const renewed = await client.post('/api/account/recovery-codes', {
      currentPassword: 'Dan long password',
    });
    const fresh = renewed.json<RecoveryCodesView>().codes;
    assert.equal(fresh.length, 10);
    assert.equal(
      (await secondStep(again.browser, 'recovery', codes[1]!)).statusCode,
      401,
      'the old codes are void',
    );
    assert.equal((await secondStep(again.browser, 'recovery', fresh[0]!)).statusCode, 200);
  });

  test('IAM-LOCAL: five wrong codes end the half-done sign-in; ten wrong codes in 15 minutes make the account wait', async () => {
    const { secret } = await withApp('Erin');
    const { browser } = await passwordStep('Erin');
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await secondStep(browser, 'recovery', `wrong-${i}`)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    const ended = await secondStep(browser, 'totp', await codeFor(secret));
    assert.match(
      ended.json<{ message: string }>().message,
      /enter your password again/,
      'even the right code is too late',
    );

    const next = await passwordStep('Erin');
    const more = [];
    for (let i = 0; i < 5; i++)
      more.push((await secondStep(next.browser, 'recovery', `wrong-again-${i}`)).statusCode);
    assert.deepEqual(more, [401, 401, 401, 401, 401]);
    const third = await passwordStep('Erin');
    assert.equal(
      (await secondStep(third.browser, 'totp', await codeFor(secret))).statusCode,
      429,
      'ten failures: wait',
    );
    t.clock.advance(15 * 60_000);
    const later = await passwordStep('Erin');
    assert.equal((await secondStep(later.browser, 'totp', await codeFor(secret))).statusCode, 200);
  });

  test('IAM-LOCAL, ADM-AUDIT: removing the app needs the current password; then the password alone signs in again', async () => {
    const { client } = await withApp('Fay');
    const refused = await client.post('/api/account/totp/remove', { currentPassword: 'not it' });
    assert.equal(refused.statusCode, 400);
    assert.equal(
      (await client.post('/api/account/totp/remove', { currentPassword: 'Fay long password' })).statusCode,
      204,
    );
    assert.deepEqual((await client.get('/api/account')).json<AccountView>().secondFactors, {
      totp: false,
      passkeys: [],
      recoveryCodesLeft: 0,
    });
    const { res } = await passwordStep('Fay');
    assert.ok(
      res.cookies.some((c) => c.name === 'conclave_session'),
      'signed in with the password alone',
    );
    const events = (await ada.get('/api/audit?action=user.secondFactorRemoved')).json<AuditPageView>().events;
    assert.deepEqual(
      events.map((e) => e.actor.name),
      ['Fay'],
    );
  });

  test('IAM-LOCAL: when the Administrator requires a second factor of managers, a Superuser without one can only set one up until they have; a User is not asked', async () => {
    assert.equal(
      (await ada.patch('/api/settings', { security: { requireSecondFactor: 'managers' } })).statusCode,
      200,
    );
    try {
      const [sam, uma] = await signedInUsers(t, database, organisationId, ['Sam', 'Uma'], {
        Sam: 'superuser',
      });
      const session = (await sam.get('/api/auth/session')).json<SessionView>();
      assert.equal(session.secondFactorSetupRequired, true);
      for (const url of ['/api/meetings', '/api/directory', '/api/users', '/api/account/sessions']) {
        const refused = await sam.get(url);
        assert.deepEqual(
          [refused.statusCode, refused.json<{ code: string }>().code],
          [403, 'second_factor_setup_required'],
          url,
        );
      }
      assert.equal((await sam.get('/api/account')).statusCode, 200);
      const setup = (await sam.post('/api/account/totp', {})).json<TotpSetupView>();
      assert.equal(
        (await sam.post('/api/account/totp/confirm', { code: await codeFor(setup.secret) })).statusCode,
        200,
      );
      assert.equal((await sam.get('/api/meetings')).statusCode, 200, 'everything works once it is set up');
      assert.equal(
        (await sam.get('/api/auth/session')).json<SessionView>().secondFactorSetupRequired,
        undefined,
      );

      assert.equal(
        (await uma.get('/api/auth/session')).json<SessionView>().secondFactorSetupRequired,
        undefined,
      );
      assert.equal((await uma.get('/api/meetings')).statusCode, 200, 'Users are not asked');

      await ada.patch('/api/settings', { security: { requireSecondFactor: 'everyone' } });
      const again = await passwordStep('Uma');
      assert.equal(again.res.json<SessionView>().secondFactorSetupRequired, true, 'now everyone is');
    } finally {
      await ada.patch('/api/settings', { security: { requireSecondFactor: 'nobody' } });
    }
  });
});
