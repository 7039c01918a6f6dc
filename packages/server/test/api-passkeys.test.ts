import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  AccountView,
  AuditPageView,
  RegisteredPasskeyView,
  SessionView,
  SignInResultView,
} from '@conclave/protocol';
import {
  ADMIN,
  PUBLIC_URL,
  setUp,
  signedInUsers,
  startTestApp,
  TestClient,
  type TestApp,
} from './support/app';
import { SoftAuthenticator, type CreationOptions, type RequestOptions } from './support/authenticator';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { makeTestTls } from './support/tls';

describeEachDatabase('IAM-LOCAL: passkeys (WebAuthn), alone or as the second factor', (kind) => {
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

  const codeOf = (res: { json<T>(): T }) => res.json<{ code: string }>().code;
  /** Everyone's password here: `<Name> long password` (signedInUsers), or the Administrator's. */
  const passwordOf = async (client: TestClient) => {
    const { user } = (await client.get('/api/auth/session')).json<SessionView>();
    return user.role === 'administrator' ? ADMIN.password : `${user.displayName} long password`;
  };
  const registrationOptions = async (client: TestClient) => {
    const res = await client.post('/api/account/passkeys/options', {
      currentPassword: await passwordOf(client),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<CreationOptions>();
  };
  const register = async (client: TestClient, device: SoftAuthenticator, name = 'Laptop') => {
    const response = device.register(await registrationOptions(client));
    const res = await client.post('/api/account/passkeys', { name, response });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<RegisteredPasskeyView>();
  };
  /** A person with one passkey, registered from their signed-in client. */
  const withPasskey = async (name: string) => {
    const [client] = await signedInUsers(t, database, organisationId, [name]);
    const device = new SoftAuthenticator(PUBLIC_URL);
    const registered = await register(client, device);
    return { client, device, ...registered };
  };
  const aloneOptions = async (browser: TestClient) => {
    const res = await browser.post('/api/auth/passkey/options', {});
    assert.equal(res.statusCode, 200, res.body);
    return res.json<RequestOptions>();
  };
  /** A fresh browser signing in with the passkey alone; `lie` changes what the answer claims. */
  const signInAlone = async (
    device: SoftAuthenticator,
    lie: Parameters<SoftAuthenticator['answer']>[1] = {},
  ) => {
    const browser = new TestClient(t.app);
    const response = device.answer(await aloneOptions(browser), lie);
    return { browser, res: await browser.post('/api/auth/passkey', { response }) };
  };
  /** A fresh browser past the password, at the second step. */
  const passwordStep = async (name: string) => {
    const browser = new TestClient(t.app);
    const res = await browser.signIn(`${name.toLowerCase()}@acme.test`, `${name} long password`);
    return { browser, res };
  };
  const secondStepOptions = (browser: TestClient) => browser.post('/api/auth/sign-in/passkey/options', {});
  const secondStep = (browser: TestClient, response: unknown) =>
    browser.post('/api/auth/sign-in/second-factor', { method: 'passkey', response });

  test('IAM-LOCAL, ADM-AUDIT: a passkey is made with the current password and the name its owner gives; the first brings recovery codes, a second keeps them; renaming is audited', async () => {
    const [bob] = await signedInUsers(t, database, organisationId, ['Bob']);
    const bobsId = (await bob.get('/api/auth/session')).json<SessionView>().user.id;
    for (const body of [{}, { currentPassword: 'not it' }]) {
      const refused = await bob.post('/api/account/passkeys/options', body);
      assert.deepEqual(
        [refused.statusCode, refused.json<{ field?: string }>().field],
        [400, 'currentPassword'],
        'a passkey signs in alone: making one needs the password, as changing it does',
      );
    }
    const options = await registrationOptions(bob);
    assert.equal(options.rp.id, 'conclave.test', 'the RP id is the public URL’s host');
    assert.equal(options.rp.name, 'Conclave');
    assert.deepEqual(
      [options.user.name, options.user.displayName, options.user.id],
      ['bob@acme.test', 'Bob', Buffer.from(bobsId).toString('base64url')],
    );
    assert.equal(options.authenticatorSelection?.residentKey, 'required', 'it can sign in alone');
    assert.equal(options.authenticatorSelection?.userVerification, 'required');
    assert.equal(options.attestation, 'none');
    assert.deepEqual(options.excludeCredentials, []);

    const laptop = new SoftAuthenticator(PUBLIC_URL);
    const badName = await bob.post('/api/account/passkeys', {
      name: 'Lap\u202etop',
      response: laptop.register(options),
    });
    assert.equal(badName.statusCode, 400, 'the one text rule');
    const first = await register(bob, laptop, '  Laptop ');
    assert.equal(first.passkey.name, 'Laptop');
    assert.equal(first.passkey.lastUsedAt, null);
    assert.equal(first.recoveryCodes.length, 10, 'the first factor brings recovery codes');

    const again = await registrationOptions(bob);
    assert.deepEqual(
      again.excludeCredentials?.map((c) => c.id),
      [first.passkey.id],
      'a device that holds one is not asked again',
    );
    t.clock.advance(1000);
    const key = new SoftAuthenticator(PUBLIC_URL);
    const second = await bob.post('/api/account/passkeys', {
      name: 'Blue key',
      response: key.register(again),
    });
    assert.equal(second.statusCode, 201, second.body);
    assert.deepEqual(second.json<RegisteredPasskeyView>().recoveryCodes, [], 'the saved codes stay valid');

    const renamed = await bob.patch(`/api/account/passkeys/${first.passkey.id}`, { name: 'Work laptop' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    const factors = (await bob.get('/api/account')).json<AccountView>().secondFactors;
    assert.deepEqual(
      factors.passkeys.map((p) => [p.name, p.lastUsedAt]),
      [
        ['Work laptop', null],
        ['Blue key', null],
      ],
    );
    assert.deepEqual([factors.totp, factors.recoveryCodesLeft], [false, 10]);

    const added = (await ada.get('/api/audit?action=user.secondFactorAdded')).json<AuditPageView>().events;
    assert.deepEqual(
      added.filter((e) => e.actor.name === 'Bob').map((e) => [e.details.method, e.details.name]),
      [
        ['passkey', 'Blue key'],
        ['passkey', 'Laptop'],
      ],
    );
    const renames = (await ada.get('/api/audit?action=user.passkeyRenamed')).json<AuditPageView>().events;
    assert.deepEqual(
      renames.map((e) => [e.actor.name, e.details.from, e.details.to]),
      [['Bob', 'Laptop', 'Work laptop']],
    );
  });

  test('IAM-LOCAL: a passkey alone signs in: its options name no passkey and ask the device to verify its holder; its use is recorded', async () => {
    const { client, device, passkey } = await withPasskey('Carol');
    const browser = new TestClient(t.app);
    const options = await aloneOptions(browser);
    assert.equal(options.rpId, 'conclave.test');
    assert.equal(options.allowCredentials, undefined, 'the browser offers what it holds');
    assert.equal(options.userVerification, 'required', 'the passkey is both factors');
    t.clock.advance(60_000);
    const res = await browser.post('/api/auth/passkey', { response: device.answer(options) });
    assert.equal(res.statusCode, 200, res.body);
    const session = res.json<SessionView>();
    assert.equal(session.user.email, 'carol@acme.test');
    assert.ok(res.cookies.some((c) => c.name === 'conclave_session' && c.httpOnly));
    assert.equal((await browser.get('/api/auth/session')).statusCode, 200);
    const listed = (await client.get('/api/account')).json<AccountView>().secondFactors.passkeys;
    assert.deepEqual(
      listed.map((p) => [p.id, p.lastUsedAt]),
      [[passkey.id, t.clock.now().toISOString()]],
    );

    const unverified = await signInAlone(device, { userVerified: false });
    assert.deepEqual(
      [unverified.res.statusCode, codeOf(unverified.res)],
      [401, 'passkey_failed'],
      'alone, a passkey whose device did not verify its holder is one factor only',
    );
  });

  test('IAM-LOCAL: after the password, a passkey confirms the sign-in; its options need that half-done sign-in and list only that person’s passkeys', async () => {
    const { device, passkey } = await withPasskey('Dan');
    await withPasskey('Dora');
    const { browser, res } = await passwordStep('Dan');
    assert.deepEqual(res.json<SignInResultView>(), { secondFactor: { methods: ['passkey', 'recovery'] } });

    const stranger = await secondStepOptions(new TestClient(t.app));
    assert.deepEqual([stranger.statusCode, codeOf(stranger)], [401, 'second_factor_failed']);
    const optionsRes = await secondStepOptions(browser);
    assert.equal(optionsRes.statusCode, 200, optionsRes.body);
    const options = optionsRes.json<RequestOptions>();
    assert.deepEqual(
      options.allowCredentials?.map((c) => c.id),
      [passkey.id],
    );
    const done = await secondStep(browser, device.answer(options, { userVerified: false }));
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((await browser.get('/api/auth/session')).json<SessionView>().user.email, 'dan@acme.test');

    const other = await passwordStep('Dan');
    const stepOptions = (await secondStepOptions(other.browser)).json<RequestOptions>();
    const alone = await other.browser.post('/api/auth/passkey', { response: device.answer(stepOptions) });
    assert.deepEqual(
      [alone.statusCode, codeOf(alone)],
      [401, 'passkey_failed'],
      'a second-step challenge does not serve a sign-in alone',
    );
  });

  test('IAM-LOCAL: answers made for another origin or another relying party are refused, at registration and at sign-in', async () => {
    const { device } = await withPasskey('Erin');
    for (const lie of [{ origin: 'http://conclave.test.evil.test:8080' }, { rpId: 'evil.test' }]) {
      const { res } = await signInAlone(device, lie);
      assert.deepEqual([res.statusCode, codeOf(res)], [401, 'passkey_failed'], JSON.stringify(lie));
    }
    const [fay] = await signedInUsers(t, database, organisationId, ['Fay']);
    const phished = await fay.post('/api/account/passkeys', {
      name: 'Phone',
      response: new SoftAuthenticator(PUBLIC_URL).register(await registrationOptions(fay), {
        origin: 'http://evil.test',
      }),
    });
    assert.deepEqual([phished.statusCode, codeOf(phished)], [400, 'passkey_failed']);
    assert.deepEqual((await fay.get('/api/account')).json<AccountView>().secondFactors.passkeys, []);
    const logs = t.logs.join('\n');
    assert.match(logs, /passkey refused: Unexpected authentication response origin/);
    assert.match(logs, /passkey refused: Unexpected RP ID hash/);
  });

  test('IAM-LOCAL: a challenge serves once and expires: a replayed answer is refused', async () => {
    const { device } = await withPasskey('Gus');
    const browser = new TestClient(t.app);
    const options = await aloneOptions(browser);
    const response = device.answer(options);
    assert.equal((await browser.post('/api/auth/passkey', { response })).statusCode, 200);
    const replay = await new TestClient(t.app).post('/api/auth/passkey', { response });
    assert.deepEqual([replay.statusCode, codeOf(replay)], [401, 'passkey_failed'], 'the same answer again');
    const old = await signInAlone(device, { challenge: options.challenge });
    assert.equal(old.res.statusCode, 401, 'a fresh signature over a used challenge');

    const late = new TestClient(t.app);
    const lateOptions = await aloneOptions(late);
    t.clock.advance(5 * 60_000 + 1000);
    const expired = await late.post('/api/auth/passkey', { response: device.answer(lateOptions) });
    assert.deepEqual([expired.statusCode, codeOf(expired)], [401, 'passkey_failed'], 'after 5 minutes');
    assert.ok(!t.logs.join('\n').includes(options.challenge), 'no challenge is logged');
  });

  test('IAM-LOCAL: a signature counter that does not go up (a cloned authenticator) is refused with passkey_cloned and logged, alone and as a second factor', async () => {
    const { device } = await withPasskey('Hal');
    const copy = device.clone();
    assert.equal((await signInAlone(device)).res.statusCode, 200);
    assert.equal((await signInAlone(device)).res.statusCode, 200);
    const alone = await signInAlone(copy);
    assert.deepEqual(
      [alone.res.statusCode, codeOf(alone.res)],
      [401, 'passkey_cloned'],
      'the copy reports 1 after 2',
    );
    assert.match(alone.res.json<{ message: string }>().message, /used fewer times than before/);
    assert.equal((await alone.browser.get('/api/auth/session')).statusCode, 401);

    const { browser } = await passwordStep('Hal');
    const options = (await secondStepOptions(browser)).json<RequestOptions>();
    const second = await secondStep(browser, copy.answer(options));
    assert.deepEqual(
      [second.statusCode, codeOf(second)],
      [401, 'passkey_cloned'],
      'the copy reports 2, as the device did last',
    );
    const warnings = t.logs
      .map((line) => JSON.parse(line) as { level: number; code?: string; reason?: string; counter?: string })
      .filter((l) => l.code === 'passkey_cloned');
    assert.deepEqual(
      warnings.map((l) => [l.level, l.counter]),
      [
        [40, '1, last 2'],
        [40, '2, last 2'],
      ],
    );
    assert.equal((await signInAlone(device)).res.statusCode, 200, 'the real device still signs in');
  });

  test('IAM-LOCAL: another person’s passkey cannot sign in as you, nor be renamed or removed by you', async () => {
    const ivy = await withPasskey('Ivy');
    const mallory = await withPasskey('Mallory');
    const { browser } = await passwordStep('Ivy');
    const options = (await secondStepOptions(browser)).json<RequestOptions>();
    const hers = await secondStep(
      browser,
      mallory.device.answer(options, { credentialId: mallory.passkey.id }),
    );
    assert.deepEqual(
      [hers.statusCode, codeOf(hers)],
      [401, 'passkey_failed'],
      'her own passkey is not Ivy’s',
    );

    const ivysId = (await ivy.client.get('/api/auth/session')).json<SessionView>().user.id;
    const ivysHandle = Buffer.from(ivysId).toString('base64url');
    const forged = await signInAlone(mallory.device, {
      claim: { id: ivy.passkey.id, userHandle: ivysHandle },
    });
    assert.deepEqual(
      [forged.res.statusCode, codeOf(forged.res)],
      [401, 'passkey_failed'],
      'Ivy’s credential id signed with Mallory’s key',
    );
    const handle = await signInAlone(mallory.device, {
      claim: { id: mallory.passkey.id, userHandle: ivysHandle },
    });
    assert.equal(handle.res.statusCode, 401, 'her passkey under Ivy’s user handle');

    const rename = await mallory.client.patch(`/api/account/passkeys/${ivy.passkey.id}`, { name: 'Mine' });
    assert.equal(rename.statusCode, 404);
    const remove = await mallory.client.post(`/api/account/passkeys/${ivy.passkey.id}/remove`, {
      currentPassword: 'Mallory long password',
    });
    assert.equal(remove.statusCode, 404);
    assert.equal((await ivy.client.get('/api/account')).json<AccountView>().secondFactors.passkeys.length, 1);
  });

  test('IAM-LOCAL, ADM-AUDIT: removing a passkey needs the current password; with no factor left the recovery codes go and the password alone signs in', async () => {
    const { client, passkey } = await withPasskey('Jon');
    const url = `/api/account/passkeys/${passkey.id}/remove`;
    const wrong = await client.post(url, { currentPassword: 'not it' });
    assert.deepEqual([wrong.statusCode, wrong.json<{ field?: string }>().field], [400, 'currentPassword']);
    assert.equal((await client.post(url, {})).statusCode, 400, 'no password, no removal');
    assert.equal((await client.post(url, { currentPassword: 'Jon long password' })).statusCode, 204);
    assert.deepEqual((await client.get('/api/account')).json<AccountView>().secondFactors, {
      totp: false,
      passkeys: [],
      recoveryCodesLeft: 0,
    });
    const { res } = await passwordStep('Jon');
    assert.ok(
      res.cookies.some((c) => c.name === 'conclave_session'),
      'the password alone again',
    );
    const removed = (await ada.get('/api/audit?action=user.secondFactorRemoved')).json<AuditPageView>()
      .events;
    assert.deepEqual(
      removed.map((e) => [e.actor.name, e.details.method, e.details.name]),
      [['Jon', 'passkey', 'Laptop']],
    );
  });

  test('IAM-LOCAL: recovery codes stand for a passkey too: renewed with the password, and usable at the second step', async () => {
    const { client, recoveryCodes } = await withPasskey('Kim');
    const { browser } = await passwordStep('Kim');
    const used = await browser.post('/api/auth/sign-in/second-factor', {
      method: 'recovery',
      code: recoveryCodes[0],
    });
    assert.equal(used.statusCode, 200, used.body);
    const renewed = await client.post('/api/account/recovery-codes', {
      currentPassword: 'Kim long password',
    });
    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.equal((await client.get('/api/account')).json<AccountView>().secondFactors.recoveryCodesLeft, 10);
  });

  test('IAM-LOCAL: a revoked account is refused; under "SSO only" a passkey signs in the Administrator alone, and nobody else registers one', async () => {
    const lee = await withPasskey('Lee');
    const leesId = (await lee.client.get('/api/auth/session')).json<SessionView>().user.id;
    assert.equal((await ada.post(`/api/users/${leesId}/revoke`, {})).statusCode, 200);
    const revoked = await signInAlone(lee.device);
    assert.deepEqual([revoked.res.statusCode, codeOf(revoked.res)], [403, 'access_revoked']);
    assert.equal((await ada.post(`/api/users/${leesId}/restore`, {})).statusCode, 200);

    const adasKey = new SoftAuthenticator(PUBLIC_URL);
    await register(ada, adasKey, 'Ada’s key');
    const max = await withPasskey('Max');
    const ssoOnly = await ada.request('PUT', '/api/sso', {
      protocol: 'saml',
      entityId: 'https://idp.example.test/saml',
      ssoUrl: 'https://idp.example.test/saml/sso',
      certificate: makeTestTls().cert,
      ssoOnly: true,
    });
    assert.equal(ssoOnly.statusCode, 200, ssoOnly.body);
    try {
      const refused = await signInAlone(max.device);
      assert.deepEqual([refused.res.statusCode, codeOf(refused.res)], [403, 'sso_only']);
      const options = await max.client.post('/api/account/passkeys/options', {
        currentPassword: 'Max long password',
      });
      assert.deepEqual([options.statusCode, codeOf(options)], [403, 'sso_only']);
      const admin = await signInAlone(adasKey);
      assert.equal(admin.res.statusCode, 200, 'the Administrator keeps local sign-in');
    } finally {
      await ada.request('PUT', '/api/sso', { protocol: null });
    }
  });

  test('IAM-LOCAL: when a second factor is required, a person without one may register a passkey, which lifts the requirement', async () => {
    assert.equal(
      (await ada.patch('/api/settings', { security: { requireSecondFactor: 'everyone' } })).statusCode,
      200,
    );
    try {
      const [nia] = await signedInUsers(t, database, organisationId, ['Nia']);
      assert.equal((await nia.get('/api/meetings')).statusCode, 403);
      const device = new SoftAuthenticator(PUBLIC_URL);
      const { recoveryCodes } = await register(nia, device, 'Phone');
      assert.equal(recoveryCodes.length, 10);
      assert.equal((await nia.get('/api/meetings')).statusCode, 200, 'everything works once it is set up');
      const { res } = await signInAlone(device);
      assert.equal(res.json<SessionView>().secondFactorSetupRequired, undefined, 'a passkey meets it');
    } finally {
      await ada.patch('/api/settings', { security: { requireSecondFactor: 'nobody' } });
    }
  });

  test('IAM-LOCAL: options for a passkey sign-in are counted per client address', async () => {
    const browser = new TestClient(t.app, '10.0.0.9');
    for (let i = 0; i < 60; i++) {
      assert.equal((await browser.post('/api/auth/passkey/options', {})).statusCode, 200, `#${i + 1}`);
    }
    const refused = await browser.post('/api/auth/passkey/options', {});
    assert.deepEqual([refused.statusCode, codeOf(refused)], [429, 'rate_limited']);
    assert.equal(
      (await new TestClient(t.app, '10.0.0.10').post('/api/auth/passkey/options', {})).statusCode,
      200,
    );
  });
});
