// Scheduled meetings, invitations and calendar feeds in a real browser (ADM-INVITE, ADM-CALENDAR): the
// owner schedules a meeting on the home page and invites a person; the Invite dialog's copied text has
// the join link and the time (an end-to-end encrypted meeting's no dial-in); the person sees the meeting as invited, and their account page makes a
// feed address whose calendar file (fetched in the page, without cookies) lists the meeting. No media.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { createAccount, createMeeting, signIn, updateSettings } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';

const BOB = { email: 'bob@example.test', displayName: 'Bob Builder', password: 'Bob’s first password' };
const NAME = 'Roadmap, Q3; review';

describe('ADM-CALENDAR, ADM-INVITE: scheduling, invitations and the calendar feed', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
  });
  after(() => stopEnvironment({ server, browser }));

  test('ADM-INVITE, ADM-CALENDAR, E2EE-LIMITS: the owner schedules a meeting and invites Bob; the copied invitation has the link and dial-in, an E2EE meeting’s none; Bob’s feed address lists the meeting', async () => {
    const ada = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(ada.context, server);
    await updateSettings(ada.context, server, {
      calendar: { enabled: true },
      invites: { dialInNumbers: [{ label: 'Zürich', number: '+41 44 123 45 67' }], callDetails: '' },
    });
    await createAccount(ada.context, server, BOB);
    await ada.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

    // Ada schedules it on the home page, in Zurich time, and invites Bob.
    const { page } = ada;
    await page.goto(server.url);
    const form = page.getByRole('form', { name: 'New meeting' });
    await form.getByLabel('Meeting name').fill(NAME);
    await form.getByLabel('Schedule: give it a date and time').check();
    await form.getByLabel('Date', { exact: true }).fill('2030-06-12');
    await form.getByLabel('Start time', { exact: true }).fill('10:00');
    await form.getByLabel('End time', { exact: true }).fill('11:30');
    await form.getByLabel('Time zone', { exact: true }).selectOption('Europe/Zurich');
    await form.getByLabel('Invite people').fill('Bob');
    await form.getByRole('button', { name: 'Add Bob Builder' }).click();
    await form.getByRole('list', { name: 'Invited' }).getByText('Bob Builder').waitFor();
    await form.getByRole('button', { name: 'Create meeting' }).click();

    const row = page.getByTestId('meeting-row').filter({ hasText: NAME });
    await row.waitFor({ timeout: 10_000 });
    const { meetings } = (await (await ada.context.request.get(`${server.url}/api/meetings`)).json()) as {
      meetings: MeetingView[];
    };
    const meeting = meetings.find((m) => m.name === NAME)!;
    assert.deepEqual(meeting.schedule, {
      startsAt: '2030-06-12T08:00:00.000Z',
      endsAt: '2030-06-12T09:30:00.000Z',
      timeZone: 'Europe/Zurich',
    });
    assert.deepEqual(
      meeting.invitees.map((p) => p.displayName),
      ['Bob Builder'],
    );

    // The Invite dialog: Copy copies the invitation, with the link, the time and the dial-in number.
    await row.getByRole('button', { name: `Invite to ${NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: `Invite to ${NAME}` });
    await dialog.getByRole('button', { name: 'Copy invitation' }).click();
    await dialog.getByText('Copied', { exact: true }).waitFor({ timeout: 5_000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.includes(meeting.joinUrl), copied);
    assert.ok(copied.includes('Wednesday, 12 June 2030, 10:00 to 11:30 (Europe/Zurich)'), copied);
    assert.ok(copied.includes(`Meeting extension: ${meeting.extension}`), copied);
    assert.ok(copied.includes('Zürich: +41 44 123 45 67'), copied);
    await dialog.getByRole('button', { name: 'Download .ics' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // E2EE-LIMITS: an end-to-end encrypted meeting's invitation tells no dial-in, but that phones cannot join.
    const secret = await createMeeting(ada.context, server, 'Secret review', { e2ee: true });
    await page.reload();
    const secretRow = page.getByTestId('meeting-row').filter({ hasText: secret.name });
    await secretRow.getByRole('button', { name: `Invite to ${secret.name}` }).click();
    const secretDialog = page.getByRole('dialog', { name: `Invite to ${secret.name}` });
    const secretText = await secretDialog.getByRole('textbox', { name: 'Invitation' }).inputValue();
    assert.ok(secretText.includes(secret.joinUrl), secretText);
    assert.ok(
      secretText.includes(
        'This meeting is end-to-end encrypted: phones and SIP video systems cannot join it.',
      ),
      secretText,
    );
    assert.ok(!secretText.includes('+41 44 123 45 67') && !secretText.includes('Dial in'), secretText);
    await secretDialog.getByRole('button', { name: 'Close' }).click();
    await secretDialog.waitFor({ state: 'hidden' });

    // Bob sees it as invited, read-only; his account page makes a feed address.
    const bob = await browser.newParticipant('Bob', { distinctCamera: false });
    await signIn(bob.context, server, { ...BOB, organisationName: '' });
    await bob.page.goto(server.url);
    const bobRow = bob.page.getByTestId('meeting-row').filter({ hasText: NAME });
    await bobRow.getByText('Invited', { exact: true }).waitFor({ timeout: 10_000 });
    assert.equal(await bobRow.getByRole('button', { name: `Edit ${NAME}` }).count(), 0);
    await bob.page.goto(`${server.url}/account`);
    const card = bob.page.getByRole('region', { name: 'Calendar feed' });
    await card.getByRole('button', { name: 'Create feed address' }).click();
    const url = await card.getByRole('textbox', { name: 'Feed address' }).inputValue();
    assert.match(url, new RegExp(`^${server.url}/api/calendar/feed\\.ics\\?token=[A-Za-z0-9_-]{43}$`));

    // As a calendar app fetches it: no cookie.
    const feed = await bob.page.evaluate(async (address) => {
      const res = await fetch(address, { credentials: 'omit' });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    }, url);
    assert.equal(feed.status, 200);
    assert.equal(feed.type, 'text/calendar; charset=utf-8');
    const unfolded = feed.text.replace(/\r\n /g, '');
    assert.ok(unfolded.includes('SUMMARY:Roadmap\\, Q3\\; review\r\n'), unfolded);
    assert.ok(unfolded.includes('DTSTART:20300612T080000Z\r\n'));
    assert.ok(unfolded.includes('DTEND:20300612T093000Z\r\n'));
    assert.ok(unfolded.includes(`URL:${meeting.joinUrl}\r\n`));

    // Reset: a new address replaces it, and the old one stops.
    await card.getByRole('button', { name: 'Make a new address' }).click();
    const field = card.getByRole('textbox', { name: 'Feed address' });
    let fresh = url;
    for (let i = 0; i < 100 && fresh === url; i++) {
      await bob.page.waitForTimeout(100);
      fresh = await field.inputValue();
    }
    assert.notEqual(fresh, url, 'a new address is shown');
    const old = await bob.page.evaluate(
      async (address) => (await fetch(address, { credentials: 'omit' })).status,
      url,
    );
    assert.equal(old, 404);
  });
});
