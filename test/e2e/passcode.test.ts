// MEET-PASSCODE through the web app: the owner sets a passcode on the meeting list; a guest's join
// page asks for it, says so when it is wrong, and lets the guest in with the right one; the owner
// joins without one. Real server, Janus and Chromium in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { createMeeting, joinSignedIn, signIn, waitInMeeting } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

describe('MEET-PASSCODE: a meeting with a passcode in the web app', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;
  let meeting: MeetingView;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
    meeting = await createMeeting(owner.context, server, 'Vault');
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-PASSCODE: the owner sets a passcode by editing the meeting; the list marks it',
    { skip },
    async () => {
      const { page } = owner;
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Edit Vault' }).click();
      const form = page.getByRole('form', { name: 'Edit Vault' });
      await form.getByLabel('Passcode').fill('12a');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('A passcode is 4 to 12 digits').waitFor();
      await form.getByLabel('Passcode').fill('314159');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached', timeout: 10_000 });
      const row = page.getByTestId('meeting-row').filter({ hasText: 'Vault' });
      await row.getByText('Passcode', { exact: true }).waitFor();
      const res = await owner.context.request.get(`${server.url}/api/meetings/${meeting.id}`);
      assert.equal(((await res.json()) as MeetingView).hasPasscode, true);
    },
  );

  test(
    'MEET-PASSCODE: a guest is asked for it, told when it is wrong, and let in with the right one; the owner needs none',
    { skip },
    async () => {
      const guest = await browser.newParticipant('Gus');
      const { page } = guest;
      await page.goto(meeting.joinUrl);
      await page.getByLabel('Your name').fill('Gus');
      const field = page.getByLabel('Passcode');
      await field.waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Join meeting' }).click();
      await page.getByText('A passcode is 4 to 12 digits').waitFor();
      await field.fill('271828');
      await page.getByRole('button', { name: 'Join meeting' }).click();
      await page.getByText('That is not the passcode of this meeting.').waitFor({ timeout: 15_000 });
      await field.fill('314159');
      await page.getByRole('button', { name: 'Join meeting' }).click();
      const guestId = await waitInMeeting(page);
      assert.ok(guestId);
      // The owner's join page offers the field but needs nothing in it.
      const ownerId = await joinSignedIn(owner.page, meeting.joinUrl);
      assert.ok(ownerId);
      await guest.context.close();
    },
  );
});
