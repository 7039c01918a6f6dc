// Usage reports in the web app (ADM-USAGE): a Superuser reads what two past meetings added up to at
// /admin/reports (totals, a person's minutes, the day's numbers behind the charts) and downloads a
// table as CSV; a refused period is said next to it; a User is not let in. The meetings are recorded
// through the server's own call record store (support/usage.ts), at times a test cannot wait for, so
// no media is needed and these run outside the sandbox too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { createAccount, createMeeting, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';
import { recordPastCall } from './support/usage';

const PASSWORD = 'a long enough passphrase';
const SAM = { email: 'sam@example.test', displayName: 'Sam Superuser', password: PASSWORD };
const PIA = { email: 'pia@example.test', displayName: 'Pia Person', password: PASSWORD };
const ULLA = { email: 'ulla@example.test', displayName: 'Ulla User', password: PASSWORD };
const ZONE = 'Europe/Berlin';

const MINUTE = 60_000;
/** `minutes` past `hour` o'clock UTC, `daysAgo` days before today (UTC). */
function at(daysAgo: number, hour: number, minutes = 0): Date {
  const now = new Date();
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo, hour) + minutes * MINUTE,
  );
}
/** The date of `instant` in Berlin, as the report keys its days. */
const berlinDate = (instant: Date) => instant.toLocaleDateString('en-CA', { timeZone: ZONE });

/** The number a total of the report shows under `name`. */
const total = (page: Page, name: string): Locator =>
  page
    .locator('.usage-totals div')
    .filter({ has: page.getByText(name, { exact: true }) })
    .locator('dd');

/** The text of each cell of a table row, its header cell first. */
const cells = (row: Locator): Promise<string[]> =>
  row.locator('th, td').evaluateAll((all) => all.map((c) => c.textContent?.trim() ?? ''));

/** What a link's URL answers, fetched in the page (with its session cookie, as the download would be). */
async function fetchInPage(page: Page, href: string) {
  return page.evaluate(async (url) => {
    const res = await fetch(url, { credentials: 'same-origin' });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      disposition: res.headers.get('content-disposition') ?? '',
      text: await res.text(),
    };
  }, href);
}

/** How many of the canvas's pixels are near `rgb`: what chart.js drew in that colour. */
function pixelsOf(canvas: Locator, rgb: [number, number, number]): Promise<number> {
  return canvas.evaluate((el, [r, g, b]) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const near =
        Math.abs((data[i] ?? 0) - r) < 12 &&
        Math.abs((data[i + 1] ?? 0) - g) < 12 &&
        Math.abs((data[i + 2] ?? 0) - b) < 12;
      if (near && (data[i + 3] ?? 0) > 200) n++;
    }
    return n;
  }, rgb);
}

describe('usage reports', () => {
  let server: TestServer;
  let browser: TestBrowser;
  /** The first meeting's day and the second's, in Berlin. */
  let firstDay: string;
  let secondDay: string;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
    const admin = await browser.newParticipant('Ada', { distinctCamera: false });
    const ada = (await signIn(admin.context, server)).user;
    await createAccount(admin.context, server, SAM, 'superuser');
    const pia = await createAccount(admin.context, server, PIA);
    await createAccount(admin.context, server, ULLA);
    const meeting = await createMeeting(admin.context, server, 'Weekly planning');
    // Two days ago: Pia 42 minutes, Ada 30, a guest 10. Yesterday: Pia alone, 15 minutes.
    await recordPastCall(server, meeting.id, [
      { subject: `u:${pia.id}`, from: at(2, 10), to: at(2, 10, 42) },
      { subject: `u:${ada.id}`, from: at(2, 10, 5), to: at(2, 10, 35) },
      { subject: 'g:a-guest', from: at(2, 10, 10), to: at(2, 10, 20) },
    ]);
    await recordPastCall(server, meeting.id, [
      { subject: `u:${pia.id}`, from: at(1, 12), to: at(1, 12, 15) },
    ]);
    firstDay = berlinDate(at(2, 10));
    secondDay = berlinDate(at(1, 12));
    await admin.context.close();
  });

  after(() => stopEnvironment({ server, browser }));

  test('ADM-USAGE: a Superuser opens Reports from the administration and sees the last 30 days in a time zone they choose: totals, each person’s and meeting’s minutes, the charts and the day’s numbers as a table, and downloads the people as CSV', async () => {
    const { page, context } = await browser.newParticipant('Sam', { distinctCamera: false });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await signIn(context, server, { ...SAM, organisationName: '' });
    await page.goto(`${server.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.waitForURL(/\/admin\/reports$/);
    await page.getByRole('heading', { name: 'Usage' }).waitFor({ timeout: 10_000 });

    // Last 30 days by default, in the browser's time zone; then Berlin.
    assert.equal(
      await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed'),
      'true',
    );
    const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    assert.equal(await page.getByLabel('Time zone').inputValue(), browserZone);
    await page.getByLabel('Time zone').selectOption(ZONE);
    await page.getByText('in Europe/Berlin time').waitFor({ timeout: 10_000 });

    assert.equal(await total(page, 'Meetings').textContent(), '2');
    assert.equal(await total(page, 'Participants').textContent(), '4');
    assert.equal(await total(page, 'Of them guests').textContent(), '1');
    assert.equal(await total(page, 'Minutes').textContent(), '97');

    const people = page.getByRole('region', { name: 'People' });
    const piaRow = people
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: PIA.displayName, exact: true }) });
    assert.deepEqual(await cells(piaRow), [PIA.displayName, PIA.email, '2', '57']);
    const adaRow = people
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Ada Admin' }) });
    assert.deepEqual(await cells(adaRow), ['Ada Admin', 'admin@example.test', '1', '30']);
    assert.equal(await people.getByRole('row').count(), 3, 'the guest is listed as a person');
    const meetings = page.getByRole('region', { name: 'Meetings' });
    assert.deepEqual(await cells(meetings.getByRole('row').filter({ hasText: 'Weekly planning' })), [
      'Weekly planning',
      '2',
      '4',
      '97',
    ]);
    await page
      .getByRole('region', { name: 'Room systems' })
      .getByText('No room systems took part.')
      .waitFor();

    // The charts are drawn (minutes as bars in the brand colour), and named as images.
    const perDay = page.getByRole('region', { name: 'Per day' });
    const minutesChart = perDay.getByRole('img', { name: /minutes spent in meetings each day/ });
    const countsChart = perDay.getByRole('img', { name: /meetings held and their participants/ });
    await minutesChart.waitFor();
    await countsChart.waitFor();
    const deadline = Date.now() + 10_000;
    while ((await pixelsOf(minutesChart, [79, 70, 229])) < 50 && Date.now() < deadline) {
      await page.waitForTimeout(100);
    }
    assert.ok((await pixelsOf(minutesChart, [79, 70, 229])) >= 50, 'the minutes chart drew no bars');
    assert.ok((await pixelsOf(countsChart, [15, 118, 110])) >= 20, 'the counts chart drew no participants');

    // The same days as a table, each in its row.
    await perDay.getByText('Show as table').click();
    const dayRow = (date: string) =>
      perDay.getByRole('row').filter({ has: page.locator(`time[datetime="${date}"]`) });
    assert.deepEqual((await cells(dayRow(firstDay))).slice(1), ['1', '3', '82']);
    assert.deepEqual((await cells(dayRow(secondDay))).slice(1), ['1', '1', '15']);
    assert.equal(await perDay.getByRole('row').count(), 31, 'not 30 days and a header');

    // The People CSV: the same period and time zone, downloaded with the session.
    const link = people.getByRole('link', { name: /^Download CSV/ });
    const href = (await link.getAttribute('href')) ?? '';
    assert.equal(await link.getAttribute('download'), '');
    const query = new URL(href, server.url).searchParams;
    assert.equal(query.get('timeZone'), ZONE);
    assert.equal(query.get('table'), 'users');
    assert.equal(query.get('to'), await page.getByLabel('To').inputValue());
    assert.equal(query.get('from'), await page.getByLabel('From').inputValue());
    const csv = await fetchInPage(page, href);
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.type, /^text\/csv/);
    assert.match(csv.disposition, /^attachment; filename="conclave-usage-users-/);
    const lines = csv.text.split('\r\n');
    assert.equal(lines[0], 'Name,Email,Meetings,Minutes');
    assert.ok(lines.includes('Pia Person,pia@example.test,2,57'), csv.text);

    // The days' CSV has the first meeting's day in Berlin.
    const days = await fetchInPage(
      page,
      (await perDay.getByRole('link', { name: /^Download CSV/ }).getAttribute('href')) ?? '',
    );
    assert.equal(days.text.split('\r\n')[0], 'Date,Meetings,Participants,Minutes');
    assert.ok(days.text.includes(`\r\n${firstDay},1,3,82\r\n`), days.text);
    await context.close();
  });

  test('ADM-USAGE: a period whose first day is after its last is refused next to the period; a quick pick brings the report back', async () => {
    const { page, context } = await browser.newParticipant('Sam again', { distinctCamera: false });
    await signIn(context, server, { ...SAM, organisationName: '' });
    await page.goto(`${server.url}/admin/reports`);
    await total(page, 'Minutes').waitFor({ timeout: 10_000 });

    const from = page.getByLabel('From');
    await from.fill('2099-01-02');
    await page.getByLabel('To').fill('2099-01-01');
    const error = page.getByRole('alert').filter({ hasText: '"from" not after "to"' });
    await error.waitFor({ timeout: 10_000 });
    assert.equal(await from.getAttribute('aria-invalid'), 'true');
    const describedBy = (await from.getAttribute('aria-describedby')) ?? '';
    assert.match((await page.locator(`[id="${describedBy}"]`).textContent()) ?? '', /"from" not after "to"/);
    assert.equal(await page.getByRole('region', { name: 'People' }).count(), 0, 'a report is still shown');

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await error.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(
      await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed'),
      'true',
    );
    await total(page, 'Minutes').waitFor({ timeout: 10_000 });
    assert.equal(await from.getAttribute('aria-invalid'), null);
    await context.close();
  });

  test('ADM-USAGE: a User sees no Reports, /admin/reports tells them they may not open it, and the server refuses them the report and its CSV', async () => {
    const { page, context } = await browser.newParticipant('Ulla', { distinctCamera: false });
    await signIn(context, server, { ...ULLA, organisationName: '' });
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('link', { name: 'Reports' }).count(), 0);

    await page.goto(`${server.url}/admin/reports`);
    await page
      .getByText('Only Superusers and Administrators can open the administration.')
      .waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('link', { name: 'Reports' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Usage' }).count(), 0);

    const period = `from=${berlinDate(at(30, 12))}&to=${berlinDate(at(0, 12))}`;
    const report = await fetchInPage(page, `/api/reports/usage?${period}`);
    assert.equal(report.status, 403);
    assert.equal((JSON.parse(report.text) as { code: string }).code, 'forbidden');
    const csv = await fetchInPage(page, `/api/reports/usage.csv?${period}&table=users`);
    assert.equal(csv.status, 403);
    assert.ok(!csv.text.includes('Pia Person'), csv.text);
    await context.close();
  });
});
