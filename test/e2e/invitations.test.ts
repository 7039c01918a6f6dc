// Invitations in the web app (IAM-ROLES): an Administrator invites someone on the People page and
// copies the link; the person opens it in a browser of their own, chooses a name and password, and is
// in the app with the role they were invited with. No media is needed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { SessionView } from '@conclave/protocol';
import { ADMIN, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';

const PASSWORD = 'a passphrase of my own';

/** The row of a table whose row header is `name`. */
const rowOf = (scope: Locator, page: Page, name: string): Locator =>
  scope.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

describe('invitations', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
  });

  after(() => stopEnvironment({ server, browser }));

  /** The Administrator on the People page; returns the page and its invitations card. */
  const onPeoplePage = async (name: string) => {
    const admin = await browser.newParticipant(name, { distinctCamera: false });
    await signIn(admin.context, server);
    await admin.page.goto(`${server.url}/admin/people`);
    const card = admin.page.getByRole('region', { name: 'Pending invitations' });
    await card.getByRole('button', { name: 'Invite a person' }).waitFor({ timeout: 10_000 });
    return { ...admin, card };
  };

  /** Invites `email` through the card's form; returns the link it shows. */
  const inviteThroughForm = async (card: Locator, email: string, role: 'User' | 'Superuser') => {
    await card.getByRole('button', { name: 'Invite a person' }).click();
    await card.getByLabel('Email').fill(email);
    await card.getByLabel('Role').selectOption({ label: role });
    await card.getByRole('button', { name: 'Create invitation link' }).click();
    const field = card.getByRole('textbox', { name: 'Invitation link' });
    await field.waitFor({ timeout: 10_000 });
    return field.inputValue();
  };

  test('IAM-ROLES: an Administrator invites someone on the People page and copies the link; they open it in a browser of their own, choose a name and password and land in the app as a User; the invitation is no longer pending and its link no longer valid', async () => {
    const { page, context, card } = await onPeoplePage('Ada');
    await card.getByText('Nobody is invited at the moment.').waitFor({ timeout: 10_000 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

    const shown = await inviteThroughForm(card, 'ivy@example.test', 'User');
    assert.match(shown, new RegExp(`^${server.url}/invite#token=[A-Za-z0-9_-]{43}$`));
    await card.getByText(/It works once, and expires in 7 days/).waitFor();
    await card.getByRole('button', { name: 'Copy invitation link' }).click();
    await card.getByText('Copied', { exact: true }).waitFor({ timeout: 5_000 });
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(link, shown, 'Copy copies the link shown');

    const pendingRow = rowOf(card, page, 'ivy@example.test');
    await pendingRow.getByRole('cell', { name: 'User', exact: true }).waitFor({ timeout: 10_000 });
    assert.ok((await pendingRow.textContent())?.includes(ADMIN.displayName), 'the row names who invited');
    await card.getByRole('button', { name: 'Done' }).click();
    const again = card.getByRole('button', { name: 'Invite a person' });
    assert.ok(
      await again.evaluate((button) => button === document.activeElement),
      'focus goes back to the button that opened the form',
    );
    assert.equal(
      await card.getByRole('textbox', { name: 'Invitation link' }).count(),
      0,
      'the link is still shown',
    );
    // Shown once: after a reload the invitation is listed, its link nowhere.
    await page.reload();
    await pendingRow.waitFor({ timeout: 10_000 });
    const token = new URL(link).hash.replace(/^#token=/, '');
    assert.ok(!(await page.content()).includes(token), 'the page shows the link again');

    // The invited person, in a browser of their own.
    const ivy = await browser.newParticipant('Ivy', { distinctCamera: false });
    await ivy.page.goto(link);
    await ivy.page
      .getByRole('heading', { name: `Join ${ADMIN.organisationName}` })
      .waitFor({ timeout: 10_000 });
    await ivy.page.getByText('You are invited as a User.', { exact: false }).waitFor();
    assert.equal(await ivy.page.getByLabel('Email').inputValue(), 'ivy@example.test');
    await ivy.page.getByLabel('Display name').fill('Ivy Ives');
    await ivy.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await ivy.page.getByRole('button', { name: 'Create account' }).click();

    // In the app, signed in as a User: the Meetings page, no Administration link.
    await ivy.page.getByRole('heading', { name: 'Meetings', level: 1 }).waitFor({ timeout: 10_000 });
    assert.equal(new URL(ivy.page.url()).pathname, '/');
    const nav = ivy.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Directory' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Administration' }).count(), 0);
    await ivy.page.getByRole('banner').getByText('Ivy Ives', { exact: true }).waitFor();
    const session = (await (
      await ivy.context.request.get(`${server.url}/api/auth/session`)
    ).json()) as SessionView;
    assert.deepEqual(
      [session.user.email, session.user.displayName, session.user.role],
      ['ivy@example.test', 'Ivy Ives', 'user'],
    );
    // The session works for writes too (the page holds the CSRF token from the answer).
    await ivy.page.getByLabel('Meeting name').fill('Ivy’s first');
    await ivy.page.getByRole('button', { name: 'Create meeting' }).click();
    await ivy.page.getByText('Ivy’s first').first().waitFor({ timeout: 10_000 });

    // The Administrator's page: no longer pending, and Ivy is one of the people, as a User.
    await page.reload();
    await card.getByText('Nobody is invited at the moment.').waitFor({ timeout: 10_000 });
    const people = page.getByRole('region', { name: 'People' });
    await rowOf(people, page, 'Ivy Ives').getByRole('cell', { name: 'User', exact: true }).waitFor();

    // The link served once: opened again, anywhere, it says so and offers no form.
    const later = await browser.newParticipant('Later', { distinctCamera: false });
    await later.page.goto(link);
    await later.page
      .getByRole('heading', { name: 'This invitation link is no longer valid' })
      .waitFor({ timeout: 10_000 });
    assert.equal(await later.page.getByRole('button', { name: 'Create account' }).count(), 0);

    // Nothing the server wrote holds the link.
    const log = server.logLines().join('\n');
    assert.ok(log.includes('account made from an invitation'), 'the server log is not what was expected');
    assert.ok(!log.includes(token), 'the server log holds the invitation token');
  });

  test('IAM-ROLES: a Superuser invitation revoked on the People page leaves the list, and its link says it is no longer valid', async () => {
    const { page, card } = await onPeoplePage('Ada revokes');
    const link = await inviteThroughForm(card, 'rex@example.test', 'Superuser');
    await card.getByRole('button', { name: 'Done' }).click();
    const row = rowOf(card, page, 'rex@example.test');
    await row.getByRole('cell', { name: 'Superuser', exact: true }).waitFor({ timeout: 10_000 });
    await row.getByRole('button', { name: 'Revoke invitation, rex@example.test' }).click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });

    const rex = await browser.newParticipant('Rex', { distinctCamera: false });
    await rex.page.goto(link);
    await rex.page
      .getByRole('heading', { name: 'This invitation link is no longer valid' })
      .waitFor({ timeout: 10_000 });
    await rex.page.getByRole('link', { name: 'Go to sign-in' }).click();
    await rex.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ timeout: 10_000 });
  });
});
