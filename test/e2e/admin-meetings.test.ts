// The administration's Meetings tab (ADM, MEET-HIDE): an Administrator finds any meeting of the
// organisation, a User's hidden ones too, and renames, hides, removes the passcode of and deletes it;
// the owner sees each change. Only the test with someone in the meeting needs media.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { AuditPageView, MeetingView, SessionView } from '@conclave/protocol';
import { ADMIN, createAccount, createMeeting, joinSignedIn, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

const PASSWORD = 'a long enough passphrase';

/** The Meetings table's row of the meeting named `name`. */
const meetingRow = (page: Page, name: string): Locator =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

/** A write to `path` as the context's signed-in user, with the session's CSRF token; returns the status. */
async function write(
  context: BrowserContext,
  server: TestServer,
  method: 'PUT' | 'DELETE',
  path: string,
  data?: object,
): Promise<number> {
  const session = await context.request.get(`${server.url}/api/auth/session`);
  const { csrfToken } = (await session.json()) as SessionView;
  const res = await context.request.fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-conclave-csrf': csrfToken },
    ...(data ? { data } : {}),
  });
  return res.status();
}

/** The owner's own meetings, as their home page lists them (GET /api/meetings). */
async function ownMeetings(context: BrowserContext, server: TestServer): Promise<MeetingView[]> {
  const res = await context.request.get(`${server.url}/api/meetings`);
  assert.equal(res.status(), 200);
  return ((await res.json()) as { meetings: MeetingView[] }).meetings;
}

describe('the administration: meetings', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: !skip } }));
  });

  after(() => stopEnvironment({ server, browser }));

  test("ROLE-MATRIX, MEET-HIDE: an Administrator finds a User's meeting on the Meetings tab, renames it, hides it, removes its passcode and deletes it (confirmed); the owner sees each change and the audit log lists the deletion", async () => {
    const admin = await browser.newParticipant('Ada meetings', { distinctCamera: false });
    await signIn(admin.context, server);
    await createMeeting(admin.context, server, 'Board review');
    const mia = { email: 'mia@example.test', displayName: 'Mia Meier', password: PASSWORD };
    await createAccount(admin.context, server, mia);

    const owner = await browser.newParticipant('Mia', { distinctCamera: false });
    await signIn(owner.context, server, { ...mia, organisationName: '' });
    const sync = await createMeeting(owner.context, server, 'Weekly sync');
    assert.equal(
      await write(owner.context, server, 'PUT', `/api/meetings/${sync.id}/passcode`, { passcode: '4711' }),
      200,
    );
    await createMeeting(owner.context, server, 'Weekly one-off', { oneTime: true });

    // The tab sits between People and Settings.
    const { page } = admin;
    await page.goto(`${server.url}/admin/people`);
    const tabs = page.getByRole('navigation', { name: 'Administration' }).getByRole('link');
    await tabs.first().waitFor({ timeout: 10_000 });
    assert.deepEqual(await tabs.allTextContents(), [
      'People',
      'Meetings',
      'Room systems',
      'Settings',
      'Webhooks',
      'Reports',
      'Audit log',
      'API keys',
    ]);
    await tabs.filter({ hasText: 'Meetings' }).click();
    await page.waitForURL(/\/admin\/meetings$/);

    // Everyone's meetings, the User's hidden one-time meeting too; the search narrows them as one types.
    const row = meetingRow(page, 'Weekly sync');
    const oneOff = meetingRow(page, 'Weekly one-off');
    const board = meetingRow(page, 'Board review');
    await row.waitFor({ timeout: 10_000 });
    await board.waitFor();
    await page.getByRole('searchbox', { name: 'Search meetings' }).fill('weekly');
    await board.waitFor({ state: 'detached', timeout: 10_000 });
    await oneOff.waitFor();
    assert.equal(await row.getByRole('cell', { name: 'Mia Meier', exact: true }).count(), 1, 'no owner');
    await row.getByRole('cell', { name: sync.extension, exact: true }).waitFor();
    await row.getByText('Passcode', { exact: true }).waitFor();
    assert.equal(await row.getByText('Hidden', { exact: true }).count(), 0);
    await oneOff.getByText('One-time', { exact: true }).waitFor();
    await oneOff.getByText('Hidden', { exact: true }).waitFor();
    // A one-time meeting stays hidden: it cannot be shown.
    assert.equal(await oneOff.getByRole('button', { name: /directory/ }).count(), 0);
    await oneOff.getByRole('button', { name: 'Delete, Weekly one-off' }).waitFor();

    // Rename: an empty name is refused next to the field; a new one replaces the row's.
    await row.getByRole('button', { name: 'Rename, Weekly sync' }).click();
    const form = page.getByRole('form', { name: 'Rename Weekly sync' });
    await form.getByLabel('New name').fill('  ');
    await form.getByRole('button', { name: 'Save name' }).click();
    await form.getByText('Enter a name').waitFor({ timeout: 10_000 });
    await form.getByLabel('New name').fill('Team sync');
    await form.getByRole('button', { name: 'Save name' }).click();
    const renamed = meetingRow(page, 'Team sync');
    await renamed.waitFor({ timeout: 10_000 });
    await form.waitFor({ state: 'detached' });
    assert.equal((await ownMeetings(owner.context, server)).find((m) => m.id === sync.id)?.name, 'Team sync');

    // Hide, and the owner's list says so; Show is offered instead.
    await renamed.getByRole('button', { name: 'Hide from directory, Team sync' }).click();
    await renamed.getByText('Hidden', { exact: true }).waitFor({ timeout: 10_000 });
    await renamed.getByRole('button', { name: 'Show in directory, Team sync' }).waitFor();
    assert.equal((await ownMeetings(owner.context, server)).find((m) => m.id === sync.id)?.hidden, true);
    await owner.page.goto(server.url);
    const ownRow = owner.page.locator(`[data-testid="meeting-row"][data-meeting-id="${sync.id}"]`);
    await ownRow.getByText('Team sync', { exact: true }).waitFor({ timeout: 10_000 });
    await ownRow.getByText('Hidden', { exact: true }).waitFor();

    // Remove the passcode: the mark and the button go.
    await renamed.getByRole('button', { name: 'Remove passcode, Team sync' }).click();
    await renamed.getByText('Passcode', { exact: true }).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await renamed.getByRole('button', { name: 'Remove passcode, Team sync' }).count(), 0);
    assert.equal(
      (await ownMeetings(owner.context, server)).find((m) => m.id === sync.id)?.hasPasscode,
      false,
    );

    // Delete asks first, saying who is disconnected and that it cannot be undone; Cancel keeps it.
    await renamed.getByRole('button', { name: 'Delete, Team sync' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Team sync?' });
    await dialog.getByText(/Everyone in Team sync is disconnected/).waitFor({ timeout: 10_000 });
    await dialog.getByText(/This cannot be undone/).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await renamed.count(), 1, 'Cancel deleted the meeting');
    assert.ok(
      (await ownMeetings(owner.context, server)).some((m) => m.id === sync.id),
      'Cancel deleted it',
    );
    await renamed.getByRole('button', { name: 'Delete, Team sync' }).click();
    await dialog.getByRole('button', { name: 'Delete meeting' }).click();
    await renamed.waitFor({ state: 'detached', timeout: 10_000 });
    assert.ok(!(await ownMeetings(owner.context, server)).some((m) => m.id === sync.id), 'still listed');

    const audit = await admin.context.request.get(`${server.url}/api/audit?action=meeting.deleted`);
    const { events } = (await audit.json()) as AuditPageView;
    const deletion = events.find((e) => e.target.id === sync.id);
    assert.equal(deletion?.target.name, 'Team sync');
    assert.equal(deletion?.actor.name, ADMIN.displayName);

    // A refusal (the owner deleted the one-time meeting meanwhile) is shown as an Alert; the row stays.
    const gone = (await ownMeetings(owner.context, server)).find((m) => m.name === 'Weekly one-off');
    assert.equal(await write(owner.context, server, 'DELETE', `/api/meetings/${gone?.id}`), 204);
    await oneOff.getByRole('button', { name: 'Delete, Weekly one-off' }).click();
    await page
      .getByRole('dialog', { name: 'Delete Weekly one-off?' })
      .getByRole('button', { name: 'Delete meeting' })
      .click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'There is no meeting at this link' })
      .waitFor({ timeout: 10_000 });
    assert.equal(await oneOff.count(), 1);
  });

  test(
    'MEET-HIDE: a meeting an Administrator deletes on the Meetings tab ends for whoever is in it: "This meeting has ended"',
    { skip },
    async () => {
      const admin = await browser.newParticipant('Ada ends', { distinctCamera: false });
      await signIn(admin.context, server);
      const nia = { email: 'nia@example.test', displayName: 'Nia Nowak', password: PASSWORD };
      await createAccount(admin.context, server, nia);
      const owner = await browser.newParticipant('Nia');
      await signIn(owner.context, server, { ...nia, organisationName: '' });
      const meeting = await createMeeting(owner.context, server, 'Stand-up');
      await joinSignedIn(owner.page, meeting.joinUrl);

      await admin.page.goto(`${server.url}/admin/meetings`);
      const row = meetingRow(admin.page, 'Stand-up');
      await row.getByRole('button', { name: 'Delete, Stand-up' }).click({ timeout: 10_000 });
      await admin.page
        .getByRole('dialog', { name: 'Delete Stand-up?' })
        .getByRole('button', { name: 'Delete meeting' })
        .click();
      await row.waitFor({ state: 'detached', timeout: 10_000 });
      await owner.page.getByRole('heading', { name: 'This meeting has ended' }).waitFor({ timeout: 10_000 });
      assert.equal(await owner.page.getByRole('button', { name: 'Rejoin' }).count(), 0, 'Rejoin is offered');
    },
  );
});
