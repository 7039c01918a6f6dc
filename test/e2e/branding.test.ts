// ADM-SETTINGS: a Superuser brands the organisation through Administration → Settings → Appearance
// (logo, accent and header colours) and a guest sees it on the join page, in another browser context,
// before signing in. No media is needed: this runs outside the sandbox too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { PublicBranding } from '@conclave/protocol';
import { createMeeting, serverWithPerson, signIn } from './support/app';
import { axeViolations, describeViolations } from './support/axe';
import type { TestBrowser } from './support/browser';
import type { TestServer } from './support/server';

const SUE = { email: 'sue@example.test', displayName: 'Sue Superuser', password: 'a long test password' };
const HEADER = { hex: '#0b2545', rgb: 'rgb(11, 37, 69)' };
const ACCENT = { hex: '#b3261e', rgb: 'rgb(179, 38, 30)' };

/** A 160×48 PNG drawn in the page (a red bar on white), as an organisation's logo file would be. */
async function drawnLogo(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 48;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, 160, 48);
    g.fillStyle = '#c0392b';
    g.fillRect(8, 12, 144, 24);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

const backgroundOf = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);

/** The header's logo, once it has loaded: its natural size (0×0 while it has not or could not). */
const headerLogoSize = (page: Page) =>
  page.locator('.app-header img.brand-logo').evaluate(async (img: HTMLImageElement) => {
    await img.decode().catch(() => {});
    return [img.naturalWidth, img.naturalHeight];
  });

describe('ADM-SETTINGS: branding through the admin console', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let close: () => Promise<void>;

  before(async () => {
    ({ server, browser, close } = await serverWithPerson(SUE, { role: 'superuser' }));
  });
  after(() => close?.());

  test('ADM-SETTINGS: a Superuser uploads a logo (a file that is not an image refused next to the field) and sets colours checked live for contrast; a guest’s join page shows the logo and the header colour', async () => {
    const { context, page } = await browser.newParticipant('Sue', { distinctCamera: false });
    await signIn(context, server, { ...SUE, organisationName: '' });
    await page.goto(`${server.url}/admin/settings`);
    const logoInput = page.getByLabel('Logo', { exact: true });
    await logoInput.waitFor({ timeout: 15_000 });

    // An HTML file called logo.png: the browser calls it image/png, the server reads its bytes.
    await logoInput.setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<!doctype html><script>alert(1)</script>'),
    });
    const refusal = page.getByRole('alert').filter({ hasText: 'Upload a PNG, JPEG or WebP image' });
    await refusal.waitFor({ timeout: 10_000 });
    assert.equal(await logoInput.getAttribute('aria-invalid'), 'true');
    // Its description is the refusal, so a screen reader reads it with the field.
    const describedBy = (await logoInput.getAttribute('aria-describedby'))!;
    assert.match((await page.locator(`[id="${describedBy}"]`).textContent()) ?? '', /PNG, JPEG or WebP/);
    // An SVG is refused before it is sent.
    await logoInput.setInputFiles({
      name: 'logo.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from('<svg/>'),
    });
    await page.getByRole('alert').filter({ hasText: 'logo.svg is not a PNG, JPEG or WebP image' }).waitFor();

    const logo = await drawnLogo(page);
    await logoInput.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logo });
    await page.getByRole('status').filter({ hasText: 'Logo saved.' }).waitFor({ timeout: 10_000 });
    await page.getByRole('img', { name: 'Logo as shown now' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'the refusal is gone');
    assert.deepEqual(await headerLogoSize(page), [160, 48], 'the Superuser’s own header shows it at once');

    // Colours: the check under each picker follows the colour as it is chosen.
    const accent = page.getByLabel('Accent colour');
    const header = page.getByLabel('Header colour');
    await accent.fill('#ffd700');
    const accentCheck = page.locator(`[id="${(await accent.getAttribute('aria-describedby'))!}"]`);
    await page.waitForFunction(
      (el) => /reaches only 1\.40:1 against white/.test(el?.textContent ?? ''),
      await accentCheck.elementHandle(),
    );
    assert.equal(await accent.getAttribute('aria-invalid'), 'true');
    await accent.fill(ACCENT.hex);
    await page.waitForFunction(
      (el) => /white text on it reaches 6\.\d\d:1/.test(el?.textContent ?? ''),
      await accentCheck.elementHandle(),
    );
    await header.fill(HEADER.hex);
    const headerCheck = page.locator(`[id="${(await header.getAttribute('aria-describedby'))!}"]`);
    await page.waitForFunction(
      (el) => (el?.textContent ?? '').includes('Its text will be white: 15.'),
      await headerCheck.elementHandle(),
    );
    await page.getByRole('button', { name: 'Save appearance' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved\.$/ })
      .waitFor({ timeout: 10_000 });
    await page.waitForFunction((rgb) => {
      const el = document.querySelector('.app-header');
      return el !== null && getComputedStyle(el).backgroundColor === rgb;
    }, HEADER.rgb);
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, describeViolations(violations));

    // A guest, in a browser context of their own, opens the meeting's link.
    const meeting = await createMeeting(context, server, 'Branded all-hands');
    const guest = await browser.newParticipant('Gus', { distinctCamera: false });
    await guest.page.goto(meeting.joinUrl);
    await guest.page.getByLabel('Your name').waitFor({ timeout: 15_000 });
    const branding = (await (await fetch(`${server.url}/api/branding`)).json()) as PublicBranding;
    const guestLogo = guest.page.locator('.app-header img.brand-logo');
    await guestLogo.waitFor();
    assert.equal(await guestLogo.getAttribute('src'), branding.logoUrl);
    assert.deepEqual(await headerLogoSize(guest.page), [160, 48], 'the logo, loaded');
    await guest.page.waitForFunction(
      (rgb) => {
        const el = document.querySelector('.app-header');
        return el !== null && getComputedStyle(el).backgroundColor === rgb;
      },
      HEADER.rgb,
      { timeout: 10_000 },
    );
    assert.equal(await backgroundOf(guest.page, '.app-header'), HEADER.rgb);
    // The header's text is white on it, and the accent is the primary button's colour.
    assert.equal(
      await guest.page
        .locator('.app-header a.btn')
        .first()
        .evaluate((el) => getComputedStyle(el).color),
      'rgb(255, 255, 255)',
    );
    assert.equal(await backgroundOf(guest.page, '.btn-primary'), ACCENT.rgb);
    const guestViolations = await axeViolations(guest.page);
    assert.equal(guestViolations.length, 0, describeViolations(guestViolations));

    // The sign-in page shows the logo in place of the product's mark.
    await guest.page.goto(`${server.url}/sign-in`);
    const signInLogo = guest.page.locator('.auth-brand img.brand-logo');
    await signInLogo.waitFor({ timeout: 10_000 });
    assert.equal(await signInLogo.getAttribute('alt'), 'Organisation logo');
  });
});
