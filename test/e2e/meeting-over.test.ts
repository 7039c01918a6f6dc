// The server ends a participation for good when the meeting is deleted (`meeting_ended`) or the
// user's session ended (`session_ended`: signed out elsewhere); the page must then say so and not
// offer to rejoin. The page's signaling socket is routed through Playwright to the real server, and
// the test plays the server's final `disconnected` frame itself, so the page's side is checked
// whichever way the server comes to send it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page, WebSocketRoute } from 'playwright-core';
import type { DisconnectedReason, MeetingView } from '@conclave/protocol';
import { createMeeting, joinSignedIn, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('the meeting is over for good', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
  });

  after(() => stopEnvironment({ server, browser }));

  /** Joins a new meeting signed in, then has the server's socket end the participation for `reason`. */
  async function endedBy(reason: DisconnectedReason): Promise<{ page: Page; meeting: MeetingView }> {
    const { page, context } = await browser.newParticipant(`Ada ${reason}`);
    await signIn(context, server);
    const meeting = await createMeeting(context, server, `Ended by ${reason}`);
    const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    await page.routeWebSocket(/\/api\/signal/, (ws) => {
      sockets.push({ page: ws, server: ws.connectToServer() });
    });
    await joinSignedIn(page, meeting.joinUrl);
    const socket = sockets.at(-1);
    assert.ok(socket, 'the page opened no signaling socket');
    socket.page.send(JSON.stringify({ type: 'disconnected', reason, message: '' }));
    await socket.server.close();
    await socket.page.close({ code: 1000 });
    return { page, meeting };
  }

  test(
    'IAM-LOCAL: signed out elsewhere, the meeting page says "You were signed out" and leads to sign-in, not back in',
    { skip },
    async () => {
      const { page, meeting } = await endedBy('session_ended');
      await page.getByRole('heading', { name: 'You were signed out' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByRole('button', { name: 'Rejoin' }).count(), 0, 'Rejoin is offered');
      const signInLink = page.getByRole('link', { name: 'Sign in' });
      assert.equal(
        await signInLink.getAttribute('href'),
        `/sign-in?next=${encodeURIComponent(`/m/${meeting.id}`)}`,
      );
      // The app no longer counts itself signed in: the sign-in page shows instead of sending it on.
      await signInLink.click();
      await page.getByLabel('Email').waitFor({ timeout: 10_000 });
    },
  );

  test(
    'MEET-CREATE: a meeting deleted while someone is in it ends their participation: "This meeting has ended", no rejoin',
    { skip },
    async () => {
      const { page } = await endedBy('meeting_ended');
      await page.getByRole('heading', { name: 'This meeting has ended' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByRole('button', { name: 'Rejoin' }).count(), 0, 'Rejoin is offered');
      assert.equal(await page.getByRole('link', { name: 'Go to home screen' }).getAttribute('href'), '/');
    },
  );
});
