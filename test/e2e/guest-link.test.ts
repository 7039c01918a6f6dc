// IAM-GUEST: a guest with a link that leads to no meeting is refused with a clear message and never
// obtains a guest token. No media is involved, so this runs outside the sandbox too.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ApiErrorBody, SessionView } from '@conclave/protocol';
import { createMeeting, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import type { TestServer } from './support/server';

const NOT_FOUND_TEXT =
  /not found|no meeting|does(n[’']t| not) exist|no longer exists|has ended|invalid (meeting|link)/i;

describe('IAM-GUEST: invalid meeting links', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: false } }));
  });

  after(() => stopEnvironment({ server, browser }));

  /**
   * Opens a link as a guest and tries to join as far as the page lets them. Returns what the server
   * granted meanwhile: guest tokens over HTTP (201s) and joins over signaling (`joined` frames).
   */
  async function tryLink(page: Page, path: string): Promise<number[]> {
    const granted: number[] = [];
    page.on('response', (res) => {
      if (/\/api\/meetings\/[^/]+\/guests$/.test(new URL(res.url()).pathname)) granted.push(res.status());
    });
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (String(payload).includes('"type":"joined"')) granted.push(201);
      }),
    );
    await page.goto(`${server.url}${path}`);
    await page.getByText(NOT_FOUND_TEXT).first().waitFor({ state: 'visible', timeout: 15_000 });
    // If the page still offers a name field and a join button, using them must not get anyone in.
    const name = page.getByLabel('Your name');
    const join = page.getByRole('button', { name: 'Join meeting' });
    if ((await name.count()) > 0 && (await name.isEditable())) await name.fill('Eve');
    if ((await join.count()) > 0 && (await join.isEnabled())) {
      await join.click();
      await page.waitForTimeout(1_500);
    }
    assert.equal(await page.locator('[data-testid="participant-tile"]').count(), 0, 'a meeting page opened');
    const inRoom = await page.evaluate(
      () => (window as unknown as { __conclave?: { room?: unknown } }).__conclave?.room !== undefined,
    );
    assert.equal(inRoom, false, 'the SDK joined a room');
    return granted;
  }

  test('IAM-GUEST: a link to a meeting that does not exist shows "meeting not found" and yields no guest token', async () => {
    const { page } = await browser.newParticipant('Eve');
    const granted = await tryLink(page, `/m/${randomUUID()}`);
    assert.ok(!granted.includes(201), `the page obtained a guest token or a join (${granted.join(', ')})`);

    for (const id of [randomUUID(), 'not-a-meeting', 'x'.repeat(300)]) {
      const res = await fetch(`${server.url}/api/meetings/${id}/guests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Eve' }),
      });
      const body = (await res.json()) as ApiErrorBody & { token?: string };
      const what = `POST /api/meetings/${id.slice(0, 20)}…/guests`;
      assert.equal(body.token, undefined, `${what} issued a token`);
      assert.ok(body.message?.length > 0, `${what}: no error message`);
      if (id.length > 64) {
        // An id longer than any meeting id may be refused before routing (414 URI too long).
        assert.ok([404, 414].includes(res.status), `${what} answered ${res.status}`);
      } else {
        assert.equal(res.status, 404, `${what} answered ${res.status}`);
        assert.equal(body.code, 'meeting_not_found');
      }
    }
  });

  test('IAM-GUEST: the link of a deleted meeting is refused the same way', async () => {
    const owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
    const meeting = await createMeeting(owner.context, server, 'Short-lived');
    const session = (await (
      await owner.context.request.get(`${server.url}/api/auth/session`)
    ).json()) as SessionView;
    const del = await owner.context.request.delete(`${server.url}/api/meetings/${meeting.id}`, {
      headers: { 'x-conclave-csrf': session.csrfToken },
    });
    assert.equal(del.status(), 204);

    const { page } = await browser.newParticipant('Eve');
    const answers = await tryLink(page, new URL(meeting.joinUrl).pathname);
    assert.ok(!answers.includes(201), `the page obtained a guest token or a join (${answers.join(', ')})`);
    const res = await fetch(`${server.url}/api/meetings/${meeting.id}/guests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Eve' }),
    });
    assert.equal(res.status, 404);
  });
});
