// Issue 17 parts 1 and 5: a large meeting shown a page at a time, and only the page's videos received.
// Seven people: Ada, who owns the meeting, and Pia, each through the web app, and five guests of a
// crowd (support/crowd.ts: the real protocol, a small camera each, quiet microphones), which keeps
// the machine free for the two browsers under test. Pia looks on a phone-sized window, where a page
// holds six places: herself, four others and "+2 more". Real server, Janus and Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createMeeting, leaveMeeting, signIn, waitInMeeting } from './support/app';
import { axeViolations, describeViolations } from './support/axe';
import type { TestBrowser } from './support/browser';
import { assertReceivesAll, type InMeeting, type Sender } from './support/checks';
import { Crowd } from './support/crowd';
import { startEnvironment, stopEnvironment } from './support/environment';
import { growthOver, sleep } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();
/** An iPhone 14's window: the stage is narrower than 600 px, so a page has six places. */
const PHONE = { width: 390, height: 844 };

/**
 * Joins from the join page with the microphone off, so that nobody becomes a speaker (speakers are
 * on every page, which would make the pages depend on who the fake microphones make heard).
 */
async function joinMuted(page: Page, joinUrl: string, guestName?: string): Promise<string> {
  await page.goto(joinUrl);
  if (guestName !== undefined) await page.getByLabel('Your name').fill(guestName);
  await page.getByRole('button', { name: 'Mute microphone' }).click();
  await page.getByRole('button', { name: 'Unmute microphone' }).waitFor();
  await page.getByRole('button', { name: 'Join meeting' }).click();
  return waitInMeeting(page);
}

/** The participant ids of the other people's tiles on the page now. */
const remoteTiles = (page: Page) =>
  page
    .locator('[data-testid="participant-tile"][data-self="false"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-participant-id') ?? ''));

/** Whether the page's SDK room receives this participant's camera now. */
const receivesCamera = (page: Page, id: string) =>
  page.evaluate((pid) => {
    type Pub = { isSubscribed: boolean };
    type P = { getPublication(s: string): Pub | undefined };
    const room = (window as unknown as { __conclave: { room: { remoteParticipants: Map<string, P> } } })
      .__conclave.room;
    return room.remoteParticipants.get(pid)?.getPublication('camera')?.isSubscribed ?? false;
  }, id);

/**
 * Asserts that `receiver` gets none of these cameras: once its room has let each go (the server
 * takes a moment to stop forwarding), not one frame is decoded over 2.5 s.
 */
async function assertNotReceiving(receiver: InMeeting, senders: readonly Sender[]): Promise<void> {
  for (const s of senders) {
    await receiver.page.waitForFunction(
      (pid) => {
        type P = { getPublication(s: string): { isSubscribed: boolean } | undefined };
        const room = (window as unknown as { __conclave: { room: { remoteParticipants: Map<string, P> } } })
          .__conclave.room;
        return room.remoteParticipants.get(pid)?.getPublication('camera')?.isSubscribed !== true;
      },
      s.id,
      { timeout: 15_000 },
    );
  }
  const growth = await Promise.all(
    senders.map((s) => growthOver(receiver.page, s.id, 'camera', 'framesDecoded', 2_500)),
  );
  assert.deepEqual(
    Object.fromEntries(senders.map((s, i) => [s.name, growth[i]])),
    Object.fromEntries(senders.map((s) => [s.name, 0])),
    `${receiver.name} decodes no frame of the cameras off the page`,
  );
}

async function waitForTiles(page: Page, ids: readonly string[]): Promise<void> {
  const want = [...ids].sort().join();
  const deadline = Date.now() + 15_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await remoteTiles(page)).sort().join();
    if (seen === want) return;
    await sleep(200);
  }
  throw new Error(`the page shows the tiles of [${seen}], not [${want}]`);
}

/** Someone else in the meeting: who they are, and how they leave. */
type Other = Sender & { leave(): Promise<void> };

describe('a large meeting, a page at a time, receiving only the page (web app)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let crowd: Crowd | undefined;
  let pia: InMeeting;
  const others: Other[] = [];
  let firstPage: Other[] = [];
  let secondPage: Other[] = [];
  const byId = (id: string) => others.find((o) => o.id === id) as Other;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    // The plain fake camera: these tests count frames, they do not tell pictures apart.
    const ada = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(ada.context, server);
    const meeting = await createMeeting(ada.context, server, 'All hands');
    const adaId = await joinMuted(ada.page, meeting.joinUrl);
    others.push({ name: 'Ada', id: adaId, leave: () => leaveMeeting(ada.page) });
    crowd = await Crowd.open(server, meeting.id);
    await crowd.grow(5);
    for (const m of await crowd.members()) others.push({ ...m, leave: () => (crowd as Crowd).leave(m.id) });
    const p = await browser.newParticipant('Pia', { distinctCamera: false });
    await p.page.setViewportSize(PHONE);
    pia = { name: 'Pia', page: p.page, id: await joinMuted(p.page, meeting.joinUrl, 'Pia') };
  });
  after(async () => {
    await crowd?.stop();
    await stopEnvironment({ server, browser });
  });

  test(
    'MEET-QUALITY: on a phone-sized stage the first page shows Pia, four others and "+2 more"; their cameras decode, the two off the page are not received',
    { skip },
    async () => {
      await pia.page
        .getByTestId('participant-count')
        .getByText('7 participants')
        .waitFor({ timeout: 15_000 });
      const indicator = pia.page.getByTestId('page-indicator');
      await indicator.getByText('Page 1 of 2').waitFor({ timeout: 15_000 });
      const more = pia.page.getByRole('button', { name: '+2 more' });
      await more.waitFor();
      const shown = await remoteTiles(pia.page);
      assert.equal(shown.length, 4, 'four others share the page with Pia and "+2 more"');
      firstPage = shown.map(byId);
      secondPage = others.filter((o) => !shown.includes(o.id));
      assert.equal(secondPage.length, 2);

      await assertReceivesAll(pia, firstPage, 30_000, ['camera']);
      for (const o of secondPage) assert.equal(await receivesCamera(pia.page, o.id), false, o.name);
      await assertNotReceiving(pia, secondPage);
    },
  );

  test(
    'MEET-QUALITY: "Next page" shows the others: their frames grow, and the first page’s stop arriving',
    { skip },
    async () => {
      const previous = pia.page.getByRole('button', { name: 'Previous page' });
      const next = pia.page.getByRole('button', { name: 'Next page' });
      assert.equal(await previous.isDisabled(), true, 'no page before the first');
      await next.click();
      await pia.page.getByTestId('page-indicator').getByText('Page 2 of 2').waitFor();
      await waitForTiles(
        pia.page,
        secondPage.map((o) => o.id),
      );
      assert.equal(await next.isDisabled(), true, 'no page after the last');
      assert.equal(await previous.isDisabled(), false);
      assert.equal(await pia.page.getByTestId('more-tile').count(), 0, 'the last page has no "+N more"');
      assert.equal(
        await pia.page.locator('[data-testid="participant-tile"][data-self="true"]').count(),
        1,
        'Pia’s own tile is on the second page too',
      );

      await assertReceivesAll(pia, secondPage, 30_000, ['camera']);
      await assertNotReceiving(pia, firstPage);
    },
  );

  test(
    'MEET-LAYOUT: Page Up and Page Down move between the pages, and "+2 more" opens the next one',
    { skip },
    async () => {
      const indicator = pia.page.getByTestId('page-indicator');
      await pia.page.locator('body').click({ position: { x: 5, y: 5 } });
      await pia.page.keyboard.press('PageUp');
      await indicator.getByText('Page 1 of 2').waitFor({ timeout: 5_000 });
      await waitForTiles(
        pia.page,
        firstPage.map((o) => o.id),
      );
      await pia.page.keyboard.press('PageDown');
      await indicator.getByText('Page 2 of 2').waitFor({ timeout: 5_000 });
      await pia.page.keyboard.press('PageUp');
      await indicator.getByText('Page 1 of 2').waitFor({ timeout: 5_000 });

      await pia.page.getByRole('button', { name: '+2 more' }).click();
      await indicator.getByText('Page 2 of 2').waitFor({ timeout: 5_000 });
      await pia.page.keyboard.press('PageUp');
      await indicator.getByText('Page 1 of 2').waitFor({ timeout: 5_000 });

      // The shortcuts dialog lists them.
      await pia.page.keyboard.press('Shift+?');
      const dialog = pia.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.getByText('Next page of participants').waitFor();
      await dialog.getByText('Previous page of participants').waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
    },
  );

  test(
    'MEET-LAYOUT: the paged stage has its controls named (Previous page, Next page, the page, the count) and no serious or critical axe violations',
    { skip },
    async () => {
      const nav = pia.page.getByRole('navigation', { name: 'Pages of participants' });
      await nav.getByRole('button', { name: 'Previous page' }).waitFor();
      await nav.getByRole('button', { name: 'Next page' }).waitFor();
      await nav.getByText('Page 1 of 2').waitFor();
      await pia.page.getByRole('button', { name: '+2 more' }).waitFor();
      assert.equal((await pia.page.getByTestId('participant-count').textContent())?.trim(), '7 participants');
      const violations = await axeViolations(pia.page);
      assert.deepEqual(
        violations.map((v) => v.id),
        [],
        `the paged stage has accessibility violations:\n${describeViolations(violations)}`,
      );
    },
  );

  test(
    'MEET-LAYOUT: on the last page, when people leave and everyone fits one page again, the stage goes back to it and receives everyone',
    { skip },
    async () => {
      await pia.page.getByRole('button', { name: 'Next page' }).click();
      await pia.page.getByTestId('page-indicator').getByText('Page 2 of 2').waitFor();
      const leaving = secondPage[0] as Other;
      await leaving.leave();
      const staying = others.filter((o) => o !== leaving);
      await pia.page
        .getByTestId('participant-count')
        .getByText('6 participants')
        .waitFor({ timeout: 15_000 });
      await waitForTiles(
        pia.page,
        staying.map((o) => o.id),
      );
      assert.equal(await pia.page.getByRole('navigation', { name: 'Pages of participants' }).count(), 0);
      assert.equal(await pia.page.getByTestId('more-tile').count(), 0);
      await assertReceivesAll(pia, staying, 30_000, ['camera']);
    },
  );
});
