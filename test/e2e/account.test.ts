// IAM-LOCAL in a real browser: the account page, reached from the name in the header, renames the
// person, changes their password (the current one confirms) and lists where they are signed in, with
// "Sign out everywhere else" reaching the other browser at once. PRIV-EXPORT: it downloads their data.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { PersonalDataExport } from '@conclave/protocol';
import { after, before, describe, test } from 'node:test';
import { serverWithPerson, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import type { TestServer } from './support/server';

const BOB = { email: 'bob@example.test', displayName: 'Bob Builder', password: 'Bob’s first password' };

describe('IAM-LOCAL: the account page', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let close: () => Promise<void>;

  before(async () => {
    ({ server, browser, close } = await serverWithPerson(BOB));
  });
  after(() => close?.());

  test('IAM-LOCAL: Bob renames himself, signs his other browser out, and changes his password only with the current one', async () => {
    const bob = { ...BOB, organisationName: '' };
    const elsewhere = await browser.newParticipant('Bob elsewhere', { distinctCamera: false });
    await signIn(elsewhere.context, server, bob);
    await elsewhere.page.goto(`${server.url}/directory`);
    await elsewhere.page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });

    const { page } = await browser.newParticipant('Bob', { distinctCamera: false });
    await signIn(page.context(), server, bob);
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Your account: Bob Builder' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor({ timeout: 10_000 });

    const profile = page.getByRole('region', { name: 'Profile' });
    await profile.getByLabel('Display name').fill('Robert Builder');
    await profile.getByRole('button', { name: 'Save name' }).click();
    await profile.getByText('Saved.').waitFor({ timeout: 10_000 });
    await page.getByRole('link', { name: 'Your account: Robert Builder' }).waitFor({ timeout: 10_000 });

    const sessions = page.getByRole('region', { name: 'Where you’re signed in' });
    const rows = sessions.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    await rows.nth(1).waitFor({ timeout: 10_000 });
    assert.equal(await rows.count(), 2);
    assert.equal(await sessions.getByText('This browser').count(), 1);
    assert.equal(await sessions.getByText('Chrome on Linux').count(), 2, 'each browser is named');
    await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await rows.nth(1).waitFor({ state: 'detached', timeout: 10_000 });
    await elsewhere.page.reload();
    await elsewhere.page.waitForURL(/\/sign-in/, { timeout: 10_000 });

    const password = page.getByRole('region', { name: 'Password' });
    await password.getByLabel('Current password').fill('a wrong guess');
    await password.getByLabel('New password').fill('Bob’s second password');
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('This is not your current password').waitFor({ timeout: 10_000 });
    await password.getByLabel('Current password').fill(BOB.password);
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('Password changed').waitFor({ timeout: 10_000 });
    const signInAgain = await elsewhere.context.request.post(`${server.url}/api/auth/sign-in`, {
      data: { email: BOB.email, password: 'Bob’s second password' },
    });
    assert.equal(signInAgain.status(), 200, 'the new password works');
  });

  test('PRIV-EXPORT: Bob downloads his data from the account page as a dated JSON file', async () => {
    const { page } = await browser.newParticipant('Bob downloading', { distinctCamera: false });
    // The password the test above changed to.
    await signIn(page.context(), server, { ...BOB, password: 'Bob’s second password', organisationName: '' });
    await page.goto(`${server.url}/account`);
    const card = page.getByRole('region', { name: 'Your data' });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      card.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^conclave-personal-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as PersonalDataExport;
    assert.equal(data.person.email, BOB.email);
    assert.ok(data.sessions.length >= 1, 'where he is signed in');
  });
});
