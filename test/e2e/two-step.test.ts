// IAM-LOCAL in a real browser: two-step verification with an authenticator app. Bob turns it on from
// the account page (the QR code is drawn, the key can be typed), saves his recovery codes, and from
// then on a sign-in asks for a code after the password; a recovery code works once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { createAccount, serverWithPerson, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import type { TestServer } from './support/server';

const BOB = { email: 'bob@example.test', displayName: 'Bob Builder', password: 'Bob’s first password' };

/** The code the app would show `steps` time steps from now (the server accepts one step either side). */
const codeAt = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describe('IAM-LOCAL: two-step verification in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let close: () => Promise<void>;

  before(async () => {
    ({ server, browser, close } = await serverWithPerson(BOB));
  });
  after(() => close?.());

  const signInWithPassword = async (page: Page) => {
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(BOB.email);
    await page.getByLabel('Password').fill(BOB.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor({ timeout: 10_000 });
  };
  const landsInApp = (page: Page) =>
    page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });

  test('IAM-LOCAL: Bob sets up an authenticator app; sign-in then asks for its code, refuses a wrong one, and takes a recovery code once', async () => {
    const { page } = await browser.newParticipant('Bob', { distinctCamera: false });
    await signIn(page.context(), server, { ...BOB, organisationName: '' });
    await page.goto(`${server.url}/account`);
    const card = page.getByRole('region', { name: 'Two-step verification' });
    await card.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = card.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor({ timeout: 10_000 });
    assert.ok(
      await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100),
      'the QR code is drawn',
    );
    const secret = (await card.getByLabel('Setup key').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await card.getByLabel('Code from the app').fill(await codeAt(secret));
    await card.getByRole('button', { name: 'Turn on two-step verification' }).click();
    const list = card.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor({ timeout: 10_000 });
    const codes = await list.getByRole('listitem').allTextContents();
    assert.equal(codes.length, 10);
    await card.getByRole('button', { name: 'I have saved them' }).click();
    await card.getByText('Recovery codes left: 10.').waitFor({ timeout: 10_000 });

    const other = await browser.newParticipant('Bob again', { distinctCamera: false });
    await signInWithPassword(other.page);
    const codeField = other.page.getByLabel('Code from your authenticator app');
    await codeField.fill('000000' === (await codeAt(secret, 1)) ? '111111' : '000000');
    await other.page.getByRole('button', { name: 'Verify' }).click();
    await other.page.getByText('That code did not work').waitFor({ timeout: 10_000 });
    await codeField.fill(await codeAt(secret, 1));
    await other.page.getByRole('button', { name: 'Verify' }).click();
    await landsInApp(other.page);

    const third = await browser.newParticipant('Bob with a recovery code', { distinctCamera: false });
    await signInWithPassword(third.page);
    await third.page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await third.page.getByLabel('Recovery code').fill(codes[0]!);
    await third.page.getByRole('button', { name: 'Verify' }).click();
    await landsInApp(third.page);

    const fourth = await browser.newParticipant('Someone with a used code', { distinctCamera: false });
    await signInWithPassword(fourth.page);
    await fourth.page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await fourth.page.getByLabel('Recovery code').fill(codes[0]!);
    await fourth.page.getByRole('button', { name: 'Verify' }).click();
    await fourth.page.getByText('That code did not work').waitFor({ timeout: 10_000 });
    const session = await fourth.context.request.get(`${server.url}/api/auth/session`);
    assert.equal(session.status(), 401, 'a used recovery code signs nobody in');
  });

  test('IAM-LOCAL: once the Administrator requires it of managers, a Superuser without a second factor is sent to set one up before anything else works', async () => {
    const admin = await browser.newParticipant('Ada policy', { distinctCamera: false });
    await signIn(admin.context, server);
    const sam = { email: 'sam@example.test', displayName: 'Sam Super', password: 'Sam’s long password' };
    await createAccount(admin.context, server, sam, 'superuser');
    await admin.page.goto(`${server.url}/admin/settings`);
    const card = admin.page.getByRole('region', { name: 'Security' });
    await card.getByLabel('Require two-step verification of').selectOption('managers');
    await card.getByRole('button', { name: /^Save/ }).click();
    await card.getByText('Saved').waitFor({ timeout: 10_000 });

    const { page, context } = await browser.newParticipant('Sam', { distinctCamera: false });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(sam.email);
    await page.getByLabel('Password').fill(sam.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const setupHeading = page.getByRole('heading', { name: 'Set up two-step verification' });
    await setupHeading.waitFor({ timeout: 10_000 });
    await page.goto(`${server.url}/directory`);
    await setupHeading.waitFor({ timeout: 10_000 });
    const meetings = await context.request.get(`${server.url}/api/meetings`);
    assert.equal(meetings.status(), 403, 'the API refuses everything else too');

    const twoStep = page.getByRole('region', { name: 'Two-step verification' });
    await twoStep.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await twoStep.getByLabel('Setup key').textContent()) ?? '';
    await twoStep.getByLabel('Code from the app').fill(await codeAt(secret));
    await twoStep.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await twoStep.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Directory' }).waitFor({ timeout: 10_000 });
    assert.equal((await context.request.get(`${server.url}/api/meetings`)).status(), 200);
  });
});
