// API keys in a real browser (docs/api.md): an Administrator makes a key in Administration → API keys,
// copies it from the card that shows it once, another system (this test, without cookies) makes a
// meeting with it, the list shows its last use, and Revoke stops it at once. The API reference page shows
// the operations from the server's OpenAPI document. No media.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';

describe('IAM-ROLES: API keys in the administration', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
  });
  after(() => stopEnvironment({ server, browser }));

  test('IAM-ROLES: an Administrator makes a key, copies it once, sees its use, and revokes it; the reference page lists the operations', async () => {
    const ada = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(ada.context, server);
    await ada.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page } = ada;
    await page.goto(`${server.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'API keys' })
      .click();

    const form = page.getByRole('region', { name: 'Make an API key' });
    await form.getByLabel('Name', { exact: true }).fill('Booking system');
    await form.getByRole('checkbox', { name: /meetings:write/ }).check();
    await form.getByRole('button', { name: 'Make key' }).click();

    const created = page.getByTestId('api-key-created');
    await created.getByText('shown only once').waitFor({ timeout: 10_000 });
    await created.getByRole('button', { name: 'Copy key' }).click();
    const key = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(key, /^cnk_[A-Za-z0-9_-]{43}$/);

    const call = (method: string, body?: object) =>
      fetch(`${server.url}/api/v1/meetings`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body && { body: JSON.stringify(body) }),
      });
    const made = await call('POST', { name: 'Booked by a system' });
    assert.equal(made.status, 201);
    assert.equal(((await made.json()) as MeetingView).name, 'Booked by a system');

    await page.reload();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'Booking system' });
    await row.waitFor({ timeout: 10_000 });
    const text = await row.innerText();
    assert.ok(text.includes('meetings:read, meetings:write'), text);
    assert.ok(text.includes(`${key.slice(0, 12)}…`), text);
    assert.ok(!text.includes(key.slice(12)), 'never the key again');
    assert.ok(!text.includes('Never'), `its use is shown: ${text}`);
    assert.equal(await page.getByTestId('api-key-created').count(), 0, 'the key is not shown again');

    await row.getByRole('button', { name: 'Revoke, Booking system' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke Booking system?' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal((await call('GET')).status, 401);

    await page.goto(`${server.url}/api-reference`);
    await page
      .getByRole('heading', { name: 'POST /api/v1/meetings', exact: true })
      .waitFor({ timeout: 10_000 });
    assert.ok((await page.getByTestId('api-operation').count()) >= 10);
  });
});
