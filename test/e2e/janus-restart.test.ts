// Janus killed in the middle of a call: the server's supervisor starts a new one, health goes back to
// "media ready", and the meeting moves onto it (NET-FAILOVER): participants keep their ids and roster,
// their clients publish again by themselves, and everyone sees and hears everyone again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestBrowser } from './support/browser';
import { assertBackTogether, assertReceives } from './support/checks';
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
    'NET-FAILOVER, MEET-RECONNECT: Janus killed mid-call is restarted and the meeting moves onto it; nobody leaves, media comes back by itself',
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

      // Nobody clicks anything: both publish again on the new Janus under the same participant ids, and
      // see and hear each other again.
      await assertBackTogether([ada, bob]);
    },
  );
});
