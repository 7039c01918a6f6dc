// The administration in the web app (ADM): an Administrator manages people, settings and reads the
// audit log through the pages at /admin; a revoked User's meeting page ends at once; a User is not let
// in. Only the revocation test needs media (a meeting), so the others run outside the sandbox too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { AdminUserView, ContractView, Settings } from '@conclave/protocol';
import { ADMIN, createAccount, createMeeting, joinSignedIn, signIn } from './support/app';
import { axeViolations, describeViolations } from './support/axe';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

const PASSWORD = 'a long enough passphrase';

/** The People table's row of the person named `name`. */
const personRow = (page: Page, name: string): Locator =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

/** The text of the error shown next to a field (the element its aria-describedby names). */
async function fieldError(field: Locator): Promise<string> {
  assert.equal(await field.getAttribute('aria-invalid'), 'true', 'the field is not marked invalid');
  const ids = (await field.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const texts = await Promise.all(ids.map((id) => field.page().locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

describe('the administration', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: !skip } }));
  });

  after(() => stopEnvironment({ server, browser }));

  test('ADM-SETTINGS, IAM-ROLES: an Administrator adds a person, makes them Superuser and hides them, limits email domains (kept after reload, enforced next to the Email field), and the audit log lists it all under their name', async () => {
    const { page, context } = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(context, server);
    await page.goto(server.url);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Administration' })
      .click();
    await page.waitForURL(/\/admin\/people$/);

    // Add Bea as a User through the form.
    await page.getByLabel('Email').fill('bea@example.test');
    await page.getByLabel('Display name').fill('Bea Brown');
    await page.getByLabel('First password').fill(PASSWORD);
    await page.getByLabel('Role').selectOption('user');
    await page.getByRole('button', { name: 'Add person' }).click();
    const bea = personRow(page, 'Bea Brown');
    await bea.getByRole('cell', { name: 'User', exact: true }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByLabel('Email').inputValue(), '', 'the form was not cleared');

    // Promote, then hide; each answer updates the row.
    await bea.getByRole('button', { name: 'Make Superuser, Bea Brown' }).click();
    await bea.getByRole('cell', { name: 'Superuser', exact: true }).waitFor({ timeout: 10_000 });
    await bea.getByRole('button', { name: 'Hide from directory, Bea Brown' }).click();
    await bea.getByText('Hidden', { exact: true }).waitFor({ timeout: 10_000 });
    await bea.getByRole('button', { name: 'Show in directory, Bea Brown' }).waitFor();
    const { users } = (await (await context.request.get(`${server.url}/api/users`)).json()) as {
      users: AdminUserView[];
    };
    const saved = users.find((u) => u.email === 'bea@example.test');
    assert.equal(saved?.role, 'superuser');
    assert.equal(saved?.hidden, true);

    // Settings: a wrong domain is refused next to the field; a right one is kept after a reload.
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Settings' })
      .click();
    const domains = page.getByLabel('Allowed domains');
    await domains.fill('example.test\nnot a domain');
    await page.getByRole('button', { name: 'Save allowed email domains' }).click();
    await page.getByText('Enter a domain such as example.com').waitFor({ timeout: 10_000 });
    assert.match(await fieldError(domains), /Enter a domain such as example\.com/);
    await domains.fill('Example.test\n');
    await page.getByRole('button', { name: 'Save allowed email domains' }).click();
    await page
      .getByRole('region', { name: 'Allowed email domains' })
      .getByText('Saved.')
      .waitFor({ timeout: 10_000 });
    await page.reload();
    await page.getByLabel('Allowed domains').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByLabel('Allowed domains').inputValue(), 'example.test');

    // Dial-in numbers are a list of rows; a wrong number is refused next to it.
    const invites = page.getByRole('region', { name: 'Invitations' });
    await invites.getByRole('button', { name: 'Add a number' }).click();
    await invites.getByLabel('Dial-in 1 label', { exact: true }).fill('Zürich');
    await invites.getByLabel('Dial-in 1 number', { exact: true }).fill('call me');
    await invites.getByRole('button', { name: 'Save invitations' }).click();
    await invites.getByText(/Enter a telephone number/).waitFor({ timeout: 10_000 });
    assert.match(
      await fieldError(invites.getByLabel('Dial-in 1 number', { exact: true })),
      /Enter a telephone number/,
    );
    await invites.getByLabel('Dial-in 1 number', { exact: true }).fill('+41 44 123 45 67');
    await invites.getByRole('button', { name: 'Add a number' }).click();
    await invites.getByLabel('Dial-in 2 number', { exact: true }).fill('+1 555 0100');
    await invites.getByRole('button', { name: 'Remove dial-in 2' }).click();
    assert.equal(await invites.getByLabel('Dial-in 2 number', { exact: true }).count(), 0);
    await invites.getByRole('button', { name: 'Save invitations' }).click();
    await invites.getByText('Saved.').waitFor({ timeout: 10_000 });

    const settings = (await (await context.request.get(`${server.url}/api/settings`)).json()) as Settings;
    assert.deepEqual(settings.domains.allowed, ['example.test']);
    assert.deepEqual(settings.invites.dialInNumbers, [{ label: 'Zürich', number: '+41 44 123 45 67' }]);

    // Someone at another domain is refused, said next to the Email field.
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'People' })
      .click();
    await page.getByLabel('Email').fill('carl@elsewhere.test');
    await page.getByLabel('Display name').fill('Carl Cole');
    await page.getByLabel('First password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Add person' }).click();
    await page
      .getByText('New accounts are limited to addresses at example.test')
      .waitFor({ timeout: 10_000 });
    assert.match(await fieldError(page.getByLabel('Email')), /limited to addresses at example\.test/);
    assert.equal(await personRow(page, 'Carl Cole').count(), 0, 'Carl was added');

    // The audit log lists each of those actions, done by the Administrator.
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    const entry = (action: string, target: string) =>
      page
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: action, exact: true }) })
        .filter({ hasText: target });
    for (const [action, target, details] of [
      ['Added a person', 'Bea Brown <bea@example.test>', 'Role: User'],
      ['Changed a role', 'Bea Brown <bea@example.test>', 'From User to Superuser'],
      ['Hid from the directory', 'Bea Brown', ''],
      ['Changed a setting', 'Allowed email domains', 'example.test'],
    ] as const) {
      const row = entry(action, target);
      await row.first().waitFor({ timeout: 10_000 });
      assert.equal(await row.count(), 1, `${action} ${target} is listed ${await row.count()} times`);
      const text = (await row.textContent()) ?? '';
      assert.ok(text.includes(ADMIN.displayName), `${action} does not name ${ADMIN.displayName}: ${text}`);
      assert.ok(text.includes(details), `${action} does not say "${details}": ${text}`);
    }
    // The action filter keeps only that action.
    await page.getByLabel('Action').selectOption({ label: 'Changed a role' });
    await page.getByRole('row').filter({ hasText: 'Added a person' }).waitFor({ state: 'detached' });
    await entry('Changed a role', 'Bea Brown').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('audit-event').count(), 1);

    // Deleting asks first, saying their meetings go too; Cancel keeps them.
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'People' })
      .click();
    await bea.getByRole('button', { name: 'Delete, Bea Brown' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Bea Brown?' });
    await dialog.getByText(/every meeting they own is deleted too/).waitFor({ timeout: 10_000 });
    const axeClean = async (what: string) => {
      const violations = await axeViolations(page);
      assert.deepEqual(
        violations.map((v) => v.id),
        [],
        `${what}:\n${describeViolations(violations)}`,
      );
    };
    await axeClean('the Settings page asking to end the contract');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await bea.count(), 1, 'Cancel deleted Bea');
    await bea.getByRole('button', { name: 'Delete, Bea Brown' }).click();
    await dialog.getByRole('button', { name: 'Delete account and meetings' }).click();
    await bea.waitFor({ state: 'detached', timeout: 10_000 });
    const after = (await (await context.request.get(`${server.url}/api/users`)).json()) as {
      users: AdminUserView[];
    };
    assert.ok(!after.users.some((u) => u.email === 'bea@example.test'), 'Bea is still an account');
  });

  test(
    'IAM-REVOKE: a User in a meeting whose access an Administrator revokes on the People page is signed out of it within 5 s, and signing in again says their access was revoked',
    { skip },
    async () => {
      const admin = await browser.newParticipant('Ada admin', { distinctCamera: false });
      await signIn(admin.context, server);
      const uma = { email: 'uma@example.test', displayName: 'Uma User', password: PASSWORD };
      await createAccount(admin.context, server, uma);
      const meeting = await createMeeting(admin.context, server, 'Revocation');

      const user = await browser.newParticipant('Uma');
      await signIn(user.context, server, { ...uma, organisationName: '' });
      await joinSignedIn(user.page, meeting.joinUrl);

      await admin.page.goto(`${server.url}/admin/people`);
      const row = personRow(admin.page, uma.displayName);
      const revokedAt = performance.now();
      await row.getByRole('button', { name: 'Revoke access, Uma User' }).click();
      await row.getByText('Access revoked', { exact: true }).waitFor({ timeout: 10_000 });
      await row.getByRole('button', { name: 'Restore access, Uma User' }).waitFor();

      // The meeting page says the session ended, and offers no way back in but signing in.
      await user.page.getByRole('heading', { name: 'You were signed out' }).waitFor({ timeout: 5_000 });
      assert.ok(performance.now() - revokedAt < 5_000, 'the meeting page took longer than 5 s');
      assert.equal(await user.page.getByRole('button', { name: 'Rejoin' }).count(), 0, 'Rejoin is offered');

      await user.page.getByRole('link', { name: 'Sign in' }).click();
      await user.page.getByLabel('Email').fill(uma.email);
      await user.page.getByLabel('Password', { exact: true }).fill(uma.password);
      await user.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await user.page
        .getByRole('alert')
        .filter({ hasText: 'Your access to this organisation was revoked' })
        .waitFor({ timeout: 10_000 });
      assert.match(user.page.url(), /\/sign-in/);

      // Restoring lets them in again.
      await row.getByRole('button', { name: 'Restore access, Uma User' }).click();
      await row.getByRole('button', { name: 'Revoke access, Uma User' }).waitFor({ timeout: 10_000 });
      assert.equal(await row.getByText('Access revoked').count(), 0);
      await user.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await user.page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });
    },
  );

  test('IAM-SSO-OIDC: the Settings page shows the redirect URI to register and refuses a provider that does not answer, next to Issuer; the sign-in page offers single sign-on only once it is set', async () => {
    const { page, context } = await browser.newParticipant('Ada sso', { distinctCamera: false });
    await signIn(context, server);
    await page.goto(`${server.url}/admin/settings`);
    const card = page.getByRole('region', { name: 'Single sign-on' });
    await card.getByLabel('Protocol').selectOption('oidc');
    await card.getByText(`${server.url}/api/auth/sso/oidc/callback`).waitFor({ timeout: 10_000 });
    await card.getByLabel('Issuer').fill('https://127.0.0.1:9');
    await card.getByLabel('Client ID').fill('conclave');
    await card.getByLabel('Client secret').fill('not shown again');
    await card.getByRole('button', { name: 'Save single sign-on' }).click();
    await card.getByText('The identity provider did not answer discovery').waitFor({ timeout: 20_000 });
    assert.match(await fieldError(card.getByLabel('Issuer')), /did not answer discovery/);

    const stranger = await browser.newParticipant('Stranger sso', { distinctCamera: false });
    await stranger.page.goto(`${server.url}/sign-in`);
    await stranger.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ timeout: 10_000 });
    assert.equal(await stranger.page.getByRole('link', { name: 'Sign in with single sign-on' }).count(), 0);
    await stranger.page.goto(`${server.url}/sign-in?sso_error=sso_failed`);
    await stranger.page.getByText('Single sign-on did not complete. Try again.').waitFor({ timeout: 10_000 });
  });

  test('IAM-ROLES: a User sees no Administration link, and /admin tells them they may not open it', async () => {
    const admin = await browser.newParticipant('Ada roles', { distinctCamera: false });
    await signIn(admin.context, server);
    const ulla = { email: 'ulla@example.test', displayName: 'Ulla User', password: PASSWORD };
    await createAccount(admin.context, server, ulla);

    const { page, context } = await browser.newParticipant('Ulla', { distinctCamera: false });
    await signIn(context, server, { ...ulla, organisationName: '' });
    await page.goto(server.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Directory' }).waitFor({ timeout: 10_000 });
    assert.equal(await nav.getByRole('link', { name: 'Administration' }).count(), 0);

    for (const path of ['/admin', '/admin/people', '/admin/meetings', '/admin/audit']) {
      await page.goto(`${server.url}${path}`);
      await page
        .getByText('Only Superusers and Administrators can open the administration.')
        .waitFor({ timeout: 10_000 });
      assert.equal(await page.getByRole('table').count(), 0, `${path} shows a table`);
      assert.equal(await page.getByRole('button', { name: 'Add person' }).count(), 0);
    }
    // The Administrator, on the other hand, has the link.
    await admin.page.goto(server.url);
    await admin.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Administration' })
      .waitFor({ timeout: 10_000 });
  });

  test('PRIV-RETENTION: the Administrator ends the organisation’s contract after a confirmation saying all of its data goes 180 days later, sees the day it goes, and resumes it (no serious axe violations on the way); a Superuser sees no Contract section', async () => {
    const { page, context } = await browser.newParticipant('Ada contract', { distinctCamera: false });
    await signIn(context, server);
    await page.goto(`${server.url}/admin/settings`);
    const card = page.getByRole('region', { name: 'Contract' });
    await card.getByText('The contract is running.').waitFor({ timeout: 10_000 });
    const contract = async () =>
      (await (await context.request.get(`${server.url}/api/organisation/contract`)).json()) as ContractView;

    // Asked first, with what happens; Cancel changes nothing.
    await card.getByRole('button', { name: 'End the contract' }).click();
    const dialog = page.getByRole('dialog', { name: 'End the contract?' });
    await dialog
      .getByText(
        /Everything stays as it is for 180 days\. Then the organisation and all of its data are deleted for good/,
      )
      .waitFor();
    const axeClean = async (what: string) => {
      const violations = await axeViolations(page);
      assert.deepEqual(
        violations.map((v) => v.id),
        [],
        `${what}:\n${describeViolations(violations)}`,
      );
    };
    await axeClean('the Settings page asking to end the contract');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await contract()).endedAt, null);

    await card.getByRole('button', { name: 'End the contract' }).click();
    await dialog.getByRole('button', { name: 'End the contract' }).click();
    await card.getByRole('button', { name: 'Resume the contract' }).waitFor({ timeout: 10_000 });
    const ended = await contract();
    assert.ok(ended.endedAt && ended.deletionDueAt);
    const dueDay = await page.evaluate(
      (iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(new Date(iso)),
      ended.deletionDueAt,
    );
    const status = await card.getByRole('status').textContent();
    assert.ok(
      status?.includes(`On ${dueDay} all of the organisation’s data will be deleted for good`),
      status ?? '',
    );
    await axeClean('the Settings page with the contract ended');

    await card.getByRole('button', { name: 'Resume the contract' }).click();
    await card.getByText('The contract is running.').waitFor({ timeout: 10_000 });
    assert.deepEqual(await contract(), { endedAt: null, deletionDueAt: null });

    // A Superuser manages the settings, but not the contract.
    const sue = { email: 'sue@example.test', displayName: 'Sue Superuser', password: PASSWORD };
    await createAccount(context, server, sue, 'superuser');
    const superuser = await browser.newParticipant('Sue', { distinctCamera: false });
    await signIn(superuser.context, server, { ...sue, organisationName: '' });
    await superuser.page.goto(`${server.url}/admin/settings`);
    await superuser.page.getByRole('region', { name: 'Security' }).waitFor({ timeout: 10_000 });
    assert.equal(await superuser.page.getByRole('region', { name: 'Contract' }).count(), 0);
  });
});
