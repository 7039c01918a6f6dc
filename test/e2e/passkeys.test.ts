// IAM-LOCAL in a real browser: passkeys, made by Chromium's virtual authenticator (the DevTools
// protocol's WebAuthn domain). Bob adds one on the account page, signs out, and signs in with it alone;
// after his password it confirms the sign-in; a copy of it whose signature counter is behind (a cloned
// authenticator) is refused with a message that says so; it confirms a new password in place of the
// current one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SessionView } from '@conclave/protocol';
import type { CDPSession, Page } from 'playwright-core';
import { completeSetup, createAccount, signIn } from './support/app';
import { TestBrowser } from './support/browser';
import { TestServer } from './support/server';

const BOB = { email: 'bob@example.test', displayName: 'Bob Builder', password: 'Bob’s first password' };

/** A platform authenticator that holds discoverable passkeys and verifies its user without asking. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

describe('IAM-LOCAL: passkeys in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    // WebAuthn refuses IP-literal origins: the site is http://localhost:<port> (a secure context).
    server = await TestServer.start({ waitForMedia: false, host: 'localhost' });
    browser = await TestBrowser.launch();
    await completeSetup(server);
    const admin = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(admin.context, server);
    await createAccount(admin.context, server, BOB);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const landsInApp = (page: Page) =>
    page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });
  const sessionOf = async (page: Page) => {
    const res = await page.context().request.get(`${server.url}/api/auth/session`);
    return res.status() === 200 ? ((await res.json()) as SessionView).user.email : res.status();
  };
  // Set by the first test, copied by the second; the third uses it, in Bob's page, signed in.
  let bobsDevice: { cdp: CDPSession; authenticatorId: string } | undefined;
  let bobsPage: Page | undefined;
  const signCount = async (device: { cdp: CDPSession; authenticatorId: string }) => {
    const { credentials } = await device.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: device.authenticatorId,
    });
    return credentials[0]?.signCount ?? 0;
  };

  test('IAM-LOCAL: Bob adds a passkey on the account page, signs out, signs in with the passkey alone, and confirms a password sign-in with it', async () => {
    const { page, context } = await browser.newParticipant('Bob', { distinctCamera: false });
    const device = await virtualAuthenticator(page);
    bobsDevice = device;
    bobsPage = page;
    await signIn(context, server, { ...BOB, organisationName: '' });
    await page.goto(`${server.url}/account`);
    const card = page.getByRole('region', { name: 'Passkeys' });
    await card.getByRole('button', { name: 'Add a passkey' }).click();
    await card.getByLabel('Name').fill('Laptop');
    await card.getByLabel('Current password').fill(BOB.password);
    await card.getByRole('button', { name: 'Create passkey' }).click();
    const codes = card.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor({ timeout: 10_000 });
    assert.equal(await codes.count(), 10, 'the first factor brings recovery codes');
    await card.getByRole('button', { name: 'I have saved them' }).click();
    await card.getByRole('list', { name: 'Passkeys' }).getByText('Laptop').waitFor({ timeout: 10_000 });
    await card.getByText('never used').waitFor();
    const { credentials } = await device.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: device.authenticatorId,
    });
    assert.deepEqual(
      credentials.map((c) => [c.rpId, c.isResidentCredential]),
      [['localhost', true]],
      'a discoverable passkey for this site',
    );

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await landsInApp(page);
    assert.equal(await sessionOf(page), BOB.email, 'the passkey alone signed Bob in');
    await page.goto(`${server.url}/account`);
    await card.getByText('last used').waitFor({ timeout: 10_000 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(BOB.email);
    await page.getByLabel('Password').fill(BOB.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await landsInApp(page);
    assert.equal(await sessionOf(page), BOB.email);
  });

  test('IAM-LOCAL: a cloned authenticator (Bob’s passkey copied with a signature counter behind his) is refused with a clear message', async () => {
    assert.ok(bobsDevice !== undefined, 'the first test made Bob’s passkey');
    const { credentials } = await bobsDevice.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: bobsDevice.authenticatorId,
    });
    const original = credentials[0]!;
    assert.ok(original.signCount >= 2, `used twice already (${original.signCount})`);

    const { page } = await browser.newParticipant('Bob’s copy', { distinctCamera: false });
    const copy = await virtualAuthenticator(page);
    await copy.cdp.send('WebAuthn.addCredential', {
      authenticatorId: copy.authenticatorId,
      credential: { ...original, signCount: original.signCount - 2 },
    });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page
      .getByRole('alert')
      .getByText(/This passkey was refused: its device says it was used fewer times than before/)
      .waitFor({ timeout: 10_000 });
    assert.equal(await sessionOf(page), 401, 'the copy signs nobody in');
  });

  test('IAM-LOCAL: Bob changes his password on the account page, his passkey confirming instead of the current password', async () => {
    assert.ok(bobsDevice !== undefined && bobsPage !== undefined, 'the first test made Bob’s passkey');
    const page = bobsPage;
    const usedBefore = await signCount(bobsDevice);
    await page.goto(`${server.url}/account`);
    const card = page.getByRole('region', { name: 'Password' });
    await card.getByRole('button', { name: 'Confirm with a passkey instead' }).click();
    assert.equal(await card.getByLabel('Current password').count(), 0, 'no password is asked for');
    await card.getByLabel('New password').fill('Bob’s second password');
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByText('Password changed').waitFor({ timeout: 10_000 });
    assert.equal(await signCount(bobsDevice), usedBefore + 1, 'the passkey answered');
    assert.equal(await sessionOf(page), BOB.email, 'this browser stays signed in');

    const { context } = await browser.newParticipant('Bob elsewhere', { distinctCamera: false });
    const signInWith = async (password: string) =>
      (
        await context.request.post(`${server.url}/api/auth/sign-in`, {
          data: { email: BOB.email, password },
        })
      ).status();
    assert.equal(await signInWith(BOB.password), 401, 'the old password no longer works');
    assert.equal(await signInWith('Bob’s second password'), 200, 'the new one does');
  });
});
