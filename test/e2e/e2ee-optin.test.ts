// E2EE-OPTIN, E2EE-LIMITS through the UI: the owner turns end-to-end encryption on with a switch that
// says what it rules out, and the meeting list and the join page say the meeting is end-to-end
// encrypted. No media is involved, so this runs outside the sandbox too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { MeetingPublicView, MeetingView } from '@conclave/protocol';
import { signIn } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';

const BADGE = 'End-to-end encrypted';

describe('E2EE-OPTIN: end-to-end encryption in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
    await owner.page.goto(server.url);
  });
  after(() => stopEnvironment({ server, browser }));

  const row = (name: string) => owner.page.getByTestId('meeting-row').filter({ hasText: name });
  const publicView = async (id: string) =>
    (await (await fetch(`${server.url}/api/meetings/${id}/public`)).json()) as MeetingPublicView;
  async function listed(name: string): Promise<MeetingView> {
    const res = await owner.context.request.get(`${server.url}/api/meetings`);
    const found = ((await res.json()) as { meetings: MeetingView[] }).meetings.find((m) => m.name === name);
    assert.ok(found, `${name} is not in GET /api/meetings`);
    return found;
  }
  /** The text the switch's aria-describedby points at: what a screen reader reads after its name. */
  async function description(page: Page, control: Locator): Promise<string> {
    const ids = (await control.getAttribute('aria-describedby')) ?? '';
    assert.ok(ids, 'the switch has no description');
    return (await page.locator(`[id="${ids}"]`).textContent()) ?? '';
  }

  test('E2EE-OPTIN: a meeting created with the switch on is marked end-to-end encrypted in the list and on its join page', async () => {
    const { page } = owner;
    const create = page.getByRole('form', { name: 'New meeting' });
    const toggle = create.getByRole('switch', { name: 'End-to-end encryption' });
    assert.equal(await toggle.isChecked(), false, 'E2EE is opt-in');
    // E2EE-LIMITS: the switch says what turning it on rules out.
    assert.match(await description(page, toggle), /recording, live streaming and phone dial-in/);

    await page.getByLabel('Meeting name').fill('Patent review');
    await create.getByText('End-to-end encryption', { exact: true }).click();
    assert.equal(await toggle.isChecked(), true);
    await page.getByRole('button', { name: 'Create meeting' }).click();
    await row('Patent review').getByText(BADGE).waitFor({ timeout: 10_000 });
    assert.equal(await toggle.isChecked(), false, 'the next meeting starts without E2EE again');

    await page.getByLabel('Meeting name').fill('Lunch');
    await page.getByRole('button', { name: 'Create meeting' }).click();
    await row('Lunch').waitFor({ timeout: 10_000 });
    assert.equal(await row('Lunch').getByText(BADGE).count(), 0, 'a plain meeting has no badge');

    const secret = await listed('Patent review');
    const plain = await listed('Lunch');
    assert.deepEqual([secret.e2ee, plain.e2ee], [true, false]);

    // Anyone with the link is told before joining.
    const guest = await browser.newParticipant('Gus');
    await guest.page.goto(secret.joinUrl);
    await guest.page.getByRole('heading', { name: 'Patent review' }).waitFor({ timeout: 15_000 });
    assert.equal(await guest.page.getByText(BADGE).isVisible(), true);
    await guest.page.goto(plain.joinUrl);
    await guest.page.getByRole('heading', { name: 'Lunch' }).waitFor({ timeout: 15_000 });
    assert.equal(await guest.page.getByText(BADGE).count(), 0);
    await guest.context.close();
  });

  test('E2EE-OPTIN: the owner turns E2EE off and on again by editing the meeting', async () => {
    const { page } = owner;
    const edit = async (on: boolean) => {
      await page.getByRole('button', { name: 'Edit Patent review' }).click();
      const form = page.getByRole('form', { name: 'Edit Patent review' });
      const toggle = form.getByRole('switch', { name: 'End-to-end encryption' });
      assert.equal(await toggle.isChecked(), !on, 'the switch shows the current setting');
      assert.match(await description(page, toggle), /recording, live streaming and phone dial-in/);
      await form.getByText('End-to-end encryption', { exact: true }).click();
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached', timeout: 10_000 });
    };

    await edit(false);
    assert.equal(await row('Patent review').getByText(BADGE).count(), 0);
    const off = await listed('Patent review');
    assert.equal(off.e2ee, false);
    assert.equal((await publicView(off.id)).e2ee, false);

    await edit(true);
    await row('Patent review').getByText(BADGE).waitFor();
    assert.equal((await publicView(off.id)).e2ee, true);
  });
});
