// NET-FAILOVER with two media servers: the Janus carrying a call is killed, and the meeting moves to the
// other one at once (no waiting for a restart): same participants, same roster, media back for everyone
// without anyone clicking. How fast is bench/failover's to measure. Real server (two embedded Janus),
// Chromium, in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createMeeting, joinAsGuest, joinSignedIn, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertBackTogether, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep } from './support/media';
import { mediaServerPorts, recordWire } from './support/wire';
import { mediaSkipReason } from './support/sandbox';
import { adaHostsBob } from './support/scenes';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

describe('NET-FAILOVER: a meeting on two media servers', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment({ server: { env: { CONCLAVE_MEDIA_SERVERS: '2' } } }));
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'NET-FAILOVER: the Janus of a call is killed; the meeting moves to the other server, nobody leaves, media comes back',
    { skip },
    async () => {
      const { ada, bob } = await adaHostsBob(browser, server, 'Failover', recordWire);
      await assertBackTogether([ada, bob]);
      assert.equal(server.janusPids().length, 2, 'two Janus processes');
      const hosting = await hostingJanus(server, ada.page);
      const spare = server.janusPids().find((pid) => pid !== hosting);

      process.kill(hosting, 'SIGKILL');
      await assertBackTogether([ada, bob]);
      assert.equal(await hostingJanus(server, ada.page), spare, 'the call runs on the other Janus now');
      await Promise.all([ada.page.context().close(), bob.page.context().close()]);
    },
  );

  test(
    'NET-FAILOVER: an end-to-end encrypted call survives its media server being killed: both decrypt again on the other',
    { skip },
    async () => {
      await waitUntil(
        async () => server.janusPids().length === 2 && (await server.health()).media === 'ready',
      );
      const a = await browser.newParticipant('Ada');
      await a.context.addInitScript(recordWire);
      await signIn(a.context, server);
      const meeting = await createMeeting(a.context, server, 'Encrypted failover', { e2ee: true });
      const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
      const b = await browser.newParticipant('Bob');
      const bob: InMeeting = {
        name: 'Bob',
        page: b.page,
        id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob'),
      };
      // Decoded frames mean decrypted frames: a frame that fails to decrypt is never decoded.
      await assertBackTogether([ada, bob]);

      const hosting = await hostingJanus(server, ada.page);
      process.kill(hosting, 'SIGKILL');
      await assertBackTogether([ada, bob]);
      assert.notEqual(await hostingJanus(server, ada.page), hosting, 'the call runs on another Janus now');
    },
  );
});

/** The Janus whose RTP ports the page's media goes through. */
async function hostingJanus(server: TestServer, page: Page): Promise<number> {
  const ports = await mediaServerPorts(page);
  const hosting = server.janusPids().filter((pid) => {
    const range = server.janusRtpPorts(pid);
    return ports.some((port) => port >= range.min && port <= range.max);
  });
  assert.equal(hosting.length, 1, `media goes through ports ${ports.join(', ')}: not one Janus's`);
  return hosting[0]!;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, 'the media servers did not come back');
    await sleep(250);
  }
}
