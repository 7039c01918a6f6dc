// The walking skeleton's user journey, entirely through the web app: first-run setup, sign out and
// in again, create a meeting, open its join link as a guest in a second browser context, and see
// each other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { MeetingView } from '@conclave/protocol';
import { tileOf, waitInMeeting } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceives, assertPicturesMatch, waitForRoster, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const ORG = 'Journey Ltd';
const OWNER = { name: 'Olivia Owner', email: 'olivia@journey.test', password: 'a long enough passphrase' };

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('user journey', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment({ setUp: false }));
  });

  after(() => stopEnvironment({ server, browser }));

  test(
    'OPS-SETUP, IAM-LOCAL, MEET-CREATE, IAM-GUEST: set up, sign in, create a meeting, a guest joins by link, both see each other',
    { skip },
    async () => {
      const owner = await browser.newParticipant('Olivia');
      const page = owner.page;

      // First-run setup, from the link the server wrote for its operator: the organisation and its
      // first Administrator. Without the link's token the page asks for it.
      await page.goto(server.url);
      await page.getByLabel('Setup token').waitFor();
      await page.goto(await server.setupLink());
      await page.reload();
      await page.getByLabel('Organisation name').fill(ORG);
      await page.getByLabel('Display name').fill(OWNER.name);
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: /set up|create|continue|finish|get started/i }).click();

      // Setup signs the Administrator in; sign out and back in through the form.
      await page.getByRole('button', { name: 'Sign out' }).click({ timeout: 15_000 });
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByText(/invalid|incorrect|not correct|wrong/i)
        .first()
        .waitFor({ timeout: 10_000 });
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();

      // Create a meeting; the home page lists it with its join link.
      await page.getByLabel('Meeting name').fill('Quarterly review');
      await page.getByRole('button', { name: 'Create meeting' }).click();
      await page.getByText('Quarterly review').first().waitFor({ timeout: 10_000 });
      const listed = await owner.context.request.get(`${server.url}/api/meetings`);
      const { meetings } = (await listed.json()) as { meetings: MeetingView[] };
      const meeting = meetings.find((m) => m.name === 'Quarterly review');
      assert.ok(meeting, 'the meeting created in the UI is not in GET /api/meetings');
      assert.match(meeting.joinUrl, new RegExp(`^${server.url}/m/[0-9a-zA-Z_-]{16,}$`));
      assert.match(meeting.extension, /^\d+$/);
      // The join link is shown to the owner (as text, a link or a copyable field).
      const shown =
        (await page.locator(`a[href="${meeting.joinUrl}"], a[href="/m/${meeting.id}"]`).count()) +
        (await page.getByText(meeting.joinUrl).count()) +
        (await page.locator(`input[value="${meeting.joinUrl}"]`).count());
      assert.ok(shown > 0, 'the join link is not shown on the home page');

      // The owner joins from the join link…
      await page.goto(meeting.joinUrl);
      await page.getByRole('button', { name: 'Join meeting' }).click();
      const olivia: InMeeting = { name: 'Olivia', page, id: await waitInMeeting(page) };

      // …and a guest opens it in another browser context.
      const guestCtx = await browser.newParticipant('Gus');
      await guestCtx.page.goto(meeting.joinUrl);
      await guestCtx.page.getByText('Quarterly review').first().waitFor();
      await guestCtx.page.getByLabel('Your name').fill('Gus Guest');
      // People take their time in the lobby: longer than the server keeps a socket that has not
      // joined (10 s). Joining must still work, on a connection the page opens again when needed.
      await guestCtx.page.waitForTimeout(11_000);
      await guestCtx.page.getByRole('button', { name: 'Join meeting' }).click();
      const gus: InMeeting = { name: 'Gus', page: guestCtx.page, id: await waitInMeeting(guestCtx.page) };

      await waitForRoster(olivia.page, [olivia.id, gus.id]);
      await waitForRoster(gus.page, [olivia.id, gus.id]);
      assert.equal(await tileOf(olivia.page, gus.id).getAttribute('aria-label'), 'Gus Guest');
      assert.equal(await tileOf(gus.page, olivia.id).getAttribute('aria-label'), OWNER.name);
      // IAM-GUEST: on both pages the guest's tile says "Guest" and the member's does not; each name is
      // isolated in a <bdi>, so a right-to-left override in it cannot reorder the labels around it.
      for (const viewer of [olivia, gus]) {
        await assertTileName(viewer.page, gus.id, 'Gus Guest', { guest: true });
        await assertTileName(viewer.page, olivia.id, OWNER.name, { guest: false });
      }
      await Promise.all([assertReceives(olivia, gus), assertReceives(gus, olivia)]);
      await assertPicturesMatch([olivia, gus]);
    },
  );
});

/** The participant's tile on `page` shows `name` in a <bdi>, and a "Guest" label exactly when a guest. */
async function assertTileName(page: Page, id: string, name: string, { guest }: { guest: boolean }) {
  const tile = tileOf(page, id);
  assert.equal(
    await tile
      .locator('bdi')
      .filter({ hasText: new RegExp(`^${name}$`) })
      .count(),
    1,
    `${name}'s tile has no <bdi> holding just the name`,
  );
  const label = tile.getByText('Guest', { exact: true });
  if (guest) assert.ok(await label.isVisible(), `${name}'s tile does not say "Guest"`);
  else assert.equal(await label.count(), 0, `${name}'s tile says "Guest" but they are a member`);
}
