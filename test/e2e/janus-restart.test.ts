// Janus killed in the middle of a call: the server's supervisor starts a new one, health goes back to
// "media ready", the server tells participants their media failed, and their clients rejoin by
// themselves (a fresh room on the new Janus; moving running sessions without rejoining is later work).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { selfTile } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceives, assertPicturesMatch, waitForRoster } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { adaHostsBob } from './support/scenes';
import type { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('media server failure', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
  });

  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-RECONNECT: Janus killed mid-call is restarted by the supervisor and participants rejoin by themselves',
    { skip },
    async () => {
      const { ada, bob } = await adaHostsBob(browser, server, 'Restart');
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);

      const [pid, ...more] = server.janusPids();
      assert.ok(pid, 'found no Janus process started by the server');
      assert.equal(more.length, 0, `the server runs several Janus processes: ${[pid, ...more].join(', ')}`);
      process.kill(pid, 'SIGKILL');

      // The supervisor notices, starts a new Janus, and health reports media ready again.
      const deadline = Date.now() + 30_000;
      let newPid: number | undefined;
      for (;;) {
        const health = await server.health();
        newPid = server.janusPids()[0];
        if (health.media === 'ready' && newPid && newPid !== pid) break;
        assert.ok(
          Date.now() < deadline,
          `media not ready again within 30 s (health ${JSON.stringify(health)})`,
        );
        await sleep(250);
      }
      assert.ok(server.running, 'the server exited when Janus died');

      // MEET-RECONNECT: nobody clicks anything. Each client notices, rejoins the meeting on the new
      // Janus (as a new participant id), and both see and hear each other again.
      for (const p of [ada, bob]) p.id = await waitForRejoin(p.page, p.id, 30_000);
      await waitForRoster(ada.page, [ada.id, bob.id]);
      await waitForRoster(bob.page, [ada.id, bob.id]);
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
      await assertPicturesMatch([ada, bob]);
    },
  );
});

/** Waits until the page is back in the meeting under a new participant id, without any user action. */
async function waitForRejoin(page: Page, oldId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = await selfTile(page)
      .getAttribute('data-participant-id', { timeout: 1_000 })
      .catch(() => null);
    if (id && id !== oldId) return id;
    assert.ok(Date.now() < deadline, `the client did not rejoin by itself within ${timeoutMs} ms`);
    await sleep(250);
  }
}
