// MEET-ONETIME through the web app: the owner makes a one-time meeting; after a guest has been in it
// and left, its link shows "This meeting has ended". Real server, Janus and Chromium in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { joinAsGuest, leaveMeeting, signIn } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

describe('MEET-ONETIME: a one-time meeting in the web app', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;

  before(async () => {
    if (skip) return;
    // The meeting is over 3 s after its room emptied (30 s by default): what is tested is that it ends.
    ({ server, browser } = await startEnvironment({
      server: { env: { CONCLAVE_EMPTY_MEETING_GRACE_SECONDS: '3' } },
    }));
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
  });
  after(() => stopEnvironment({ server, browser }));

  test('MEET-ONETIME: after the meeting, its link says it has ended', { skip }, async () => {
    const { page } = owner;
    await page.goto(server.url);
    await page.getByLabel('Meeting name').fill('Exit interview');
    await page.getByLabel(/One-time meeting/).check();
    await page.getByRole('button', { name: 'Create meeting' }).click();
    const row = page.getByTestId('meeting-row').filter({ hasText: 'Exit interview' });
    await row.getByText('One-time', { exact: true }).waitFor({ timeout: 10_000 });
    const res = await owner.context.request.get(`${server.url}/api/meetings`);
    const meeting = ((await res.json()) as { meetings: MeetingView[] }).meetings.find(
      (m) => m.name === 'Exit interview',
    );
    assert.ok(meeting, 'the new meeting is listed');
    assert.equal(meeting.oneTime, true);

    const guest = await browser.newParticipant('Gus');
    await joinAsGuest(guest.page, meeting.joinUrl, 'Gus');
    await leaveMeeting(guest.page);
    // The meeting counts as over once its room has stayed empty for the grace (someone may be
    // rejoining). The join page asks the meeting's public view (410 once it has ended): asked here every 500 ms,
    // where reloading the page every 3 s overshot by 1.5 s on average; then the page shows it.
    const deadline = Date.now() + 60_000;
    const view = `${server.url}/api/meetings/${new URL(meeting.joinUrl).pathname.split('/').pop()}/public`;
    while ((await guest.context.request.get(view)).status() !== 410 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    await guest.page.goto(meeting.joinUrl);
    const ended = guest.page.getByRole('heading', { name: 'This meeting has ended' });
    await ended.waitFor({ timeout: 15_000 });
    assert.equal(await guest.page.getByRole('button', { name: 'Join meeting' }).count(), 0);
    await guest.context.close();
  });
});
