import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generate } from 'otplib';
import type {
  AccountView,
  AuditPageView,
  RecoveryCodesView,
  RegisteredPasskeyView,
  SessionView,
  TotpSetupView,
} from '@conclave/protocol';
import { PUBLIC_URL, setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { SoftAuthenticator, type CreationOptions, type RequestOptions } from './support/authenticator';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('IAM-LOCAL: a passkey confirms it is you, in place of the current password', (kind) => {
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
  /** A person with one passkey (`<Name> long password`, as signedInUsers makes them). */
  const withPasskey = async (name: string) => {
    const [client] = await signedInUsers(t, database, organisationId, [name]);
    const device = new SoftAuthenticator(PUBLIC_URL);
    const options = await client.post('/api/account/passkeys/options', {
      currentPassword: `${name} long password`,
    });
    assert.equal(options.statusCode, 200, options.body);
    const res = await client.post('/api/account/passkeys', {
      name: 'Laptop',
      response: device.register(options.json<CreationOptions>()),
    });
    assert.equal(res.statusCode, 201, res.body);
    return { client, device, ...res.json<RegisteredPasskeyView>() };
  };
  const confirmOptions = async (client: TestClient) => {
    const res = await client.post('/api/account/confirm/passkey-options', {});
    assert.equal(res.statusCode, 200, res.body);
    return res.json<RequestOptions>();
  };
  /** The person's device answering a confirmation challenge of their own session. */
  const confirmation = async (client: TestClient, device: SoftAuthenticator) => ({
    passkey: device.answer(await confirmOptions(client)),
  });
  /** A fresh browser signing in with this password: a session, or a second step (status 200 both). */
  const signsIn = async (name: string, password: string) =>
    (await new TestClient(t.app).signIn(`${name.toLowerCase()}@acme.test`, password)).statusCode;
  const factorsOf = async (client: TestClient) =>
    (await client.get('/api/account')).json<AccountView>().secondFactors;

  test('IAM-LOCAL, ADM-AUDIT: the password is changed with a passkey instead of the current password; the options list only the caller’s passkeys and require user verification', async () => {
    const { client, device, passkey } = await withPasskey('Bob');
    await withPasskey('Bea');
    assert.equal(
      (await new TestClient(t.app).post('/api/account/confirm/passkey-options', {})).statusCode,
      401,
    );
    const [nobody] = await signedInUsers(t, database, organisationId, ['Nobody']);
    const none = await nobody.post('/api/account/confirm/passkey-options', {});
    assert.deepEqual([none.statusCode, codeOf(none)], [409, 'conflict'], 'no passkey, no options');

    const options = await confirmOptions(client);
    assert.deepEqual(
      options.allowCredentials?.map((c) => c.id),
      [passkey.id],
    );
    assert.equal(options.userVerification, 'required', 'it stands in for the password');
    const unverified = await client.post('/api/account/password', {
      passkey: device.answer(options, { userVerified: false }),
      newPassword: 'Bob’s second password',
    });
    assert.deepEqual([unverified.statusCode, codeOf(unverified)], [401, 'passkey_failed']);

    const changed = await client.post('/api/account/password', {
      ...(await confirmation(client, device)),
      newPassword: 'Bob’s second password',
    });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.equal(await signsIn('Bob', 'Bob’s second password'), 200, 'the new password signs in');
    assert.equal(await signsIn('Bob', 'Bob long password'), 401, 'the old one no longer does');
    const audited = (await ada.get('/api/audit?action=user.passwordChanged')).json<AuditPageView>().events;
    assert.deepEqual(
      audited.map((e) => e.actor.name),
      ['Bob'],
    );

    const both = await client.post('/api/account/password', {
      ...(await confirmation(client, device)),
      currentPassword: 'Bob’s second password',
      newPassword: 'Bob’s third password',
    });
    assert.deepEqual([both.statusCode, both.json<{ field?: string }>().field], [400, 'passkey'], 'one proof');
    const wrong = await client.post('/api/account/password', {
      currentPassword: 'not it',
      newPassword: 'Bob’s third password',
    });
    assert.deepEqual(
      [wrong.statusCode, codeOf(wrong), wrong.json<{ field?: string }>().field],
      [400, 'invalid_credentials', 'currentPassword'],
      'a wrong password is refused as before',
    );
  });

  test('IAM-LOCAL: removing the authenticator app, renewing recovery codes, adding and removing a passkey, each with a passkey instead of the password', async () => {
    const { client, device, passkey } = await withPasskey('Cora');
    const { secret } = (await client.post('/api/account/totp', {})).json<TotpSetupView>();
    const code = await generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    assert.equal((await client.post('/api/account/totp/confirm', { code })).statusCode, 200);
    assert.equal((await factorsOf(client)).totp, true);

    const removed = await client.post('/api/account/totp/remove', await confirmation(client, device));
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal((await factorsOf(client)).totp, false, 'the app is gone');

    const renewed = await client.post('/api/account/recovery-codes', await confirmation(client, device));
    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.equal(renewed.json<RecoveryCodesView>().codes.length, 10);

    const key = new SoftAuthenticator(PUBLIC_URL);
    const options = await client.post('/api/account/passkeys/options', await confirmation(client, device));
    assert.equal(options.statusCode, 200, options.body);
    const added = await client.post('/api/account/passkeys', {
      name: 'Blue key',
      response: key.register(options.json<CreationOptions>()),
    });
    assert.equal(added.statusCode, 201, added.body);
    const gone = await client.post(
      `/api/account/passkeys/${passkey.id}/remove`,
      await confirmation(client, key),
    );
    assert.equal(gone.statusCode, 204, gone.body);
    assert.deepEqual(
      (await factorsOf(client)).passkeys.map((p) => p.name),
      ['Blue key'],
      'the new key confirmed removing the first passkey',
    );
  });

  test('IAM-LOCAL: an answer to a sign-in challenge (alone or as the second step) cannot confirm, nor can a confirmation sign in', async () => {
    const { client, device } = await withPasskey('Dov');
    const browser = new TestClient(t.app);
    const signInOptions = (await browser.post('/api/auth/passkey/options', {})).json<RequestOptions>();
    const alone = await client.post('/api/account/recovery-codes', { passkey: device.answer(signInOptions) });
    assert.deepEqual([alone.statusCode, codeOf(alone)], [401, 'passkey_failed'], 'purpose sign-in');

    const step = new TestClient(t.app);
    assert.equal((await step.signIn('dov@acme.test', 'Dov long password')).statusCode, 200);
    const stepOptions = (await step.post('/api/auth/sign-in/passkey/options', {})).json<RequestOptions>();
    const second = await client.post('/api/account/recovery-codes', { passkey: device.answer(stepOptions) });
    assert.deepEqual([second.statusCode, codeOf(second)], [401, 'passkey_failed'], 'purpose second-factor');

    const signIn = await new TestClient(t.app).post('/api/auth/passkey', {
      response: device.answer(await confirmOptions(client)),
    });
    assert.deepEqual([signIn.statusCode, codeOf(signIn)], [401, 'passkey_failed'], 'purpose confirm');
  });

  test('IAM-LOCAL: another person’s passkey cannot confirm, answering either person’s challenge', async () => {
    const ivy = await withPasskey('Ivo');
    const mallory = await withPasskey('Mal');
    const hers = await ivy.client.post('/api/account/password', {
      passkey: mallory.device.answer(await confirmOptions(ivy.client), { credentialId: mallory.passkey.id }),
      newPassword: 'Mal’s password for Ivo',
    });
    assert.deepEqual(
      [hers.statusCode, codeOf(hers)],
      [401, 'passkey_failed'],
      'her passkey, Ivo’s challenge',
    );

    const carried = await ivy.client.post('/api/account/password', {
      ...(await confirmation(mallory.client, mallory.device)),
      newPassword: 'Mal’s password for Ivo',
    });
    assert.deepEqual([carried.statusCode, codeOf(carried)], [401, 'passkey_failed'], 'her own challenge');

    const ivysId = (await ivy.client.get('/api/auth/session')).json<SessionView>().user.id;
    const forged = await ivy.client.post('/api/account/passkeys/options', {
      passkey: mallory.device.answer(await confirmOptions(ivy.client), {
        credentialId: mallory.passkey.id,
        claim: { id: ivy.passkey.id, userHandle: Buffer.from(ivysId).toString('base64url') },
      }),
    });
    assert.deepEqual(
      [forged.statusCode, codeOf(forged)],
      [401, 'passkey_failed'],
      'Ivo’s credential id signed with Mal’s key',
    );
    assert.equal((await factorsOf(ivy.client)).passkeys.length, 1, 'no passkey was added');
    assert.equal(await signsIn('Ivo', 'Mal’s password for Ivo'), 401);
    assert.equal(await signsIn('Ivo', 'Ivo long password'), 200, 'Ivo’s password is unchanged');
  });

  test('IAM-LOCAL: a confirmation serves once: a replayed answer, a superseded or expired challenge, and a cloned authenticator are refused', async () => {
    const { client, device } = await withPasskey('Rex');
    const proof = await confirmation(client, device);
    assert.equal((await client.post('/api/account/recovery-codes', proof)).statusCode, 200);
    const replay = await client.post('/api/account/recovery-codes', proof);
    assert.deepEqual([replay.statusCode, codeOf(replay)], [401, 'passkey_failed'], 'the same answer again');

    const first = await confirmOptions(client);
    await confirmOptions(client);
    const superseded = await client.post('/api/account/recovery-codes', { passkey: device.answer(first) });
    assert.deepEqual(
      [superseded.statusCode, codeOf(superseded)],
      [401, 'passkey_failed'],
      'a new one replaces it',
    );

    const late = await confirmOptions(client);
    t.clock.advance(5 * 60_000 + 1000);
    const expired = await client.post('/api/account/recovery-codes', { passkey: device.answer(late) });
    assert.deepEqual([expired.statusCode, codeOf(expired)], [401, 'passkey_failed'], 'after 5 minutes');

    const copy = device.clone();
    assert.equal(
      (await client.post('/api/account/recovery-codes', await confirmation(client, device))).statusCode,
      200,
    );
    const cloned = await client.post('/api/account/recovery-codes', await confirmation(client, copy));
    assert.deepEqual([cloned.statusCode, codeOf(cloned)], [401, 'passkey_cloned'], 'its counter went back');
    assert.ok(!t.logs.join('\n').includes(first.challenge), 'no challenge is logged');
  });
});
