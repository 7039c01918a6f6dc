// NET-FAILOVER with two media servers: the Janus carrying a call is killed, and the meeting moves to the
// other one at once (no waiting for a restart): same participants, same roster, media back for everyone
// without anyone clicking. The time from the kill to media flowing again at both is printed; bench/
// measures it properly. Real server (two embedded Janus), Chromium, in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { selfTile } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertPicturesMatch, assertReceives, waitForRoster } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
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
      const { ada, bob } = await adaHostsBob(browser, server, 'Failover');
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);

      const pids = server.janusPids();
      assert.equal(pids.length, 2, `expected two Janus processes, found ${pids.join(', ')}`);
      // With nothing else running, the first room goes to the first server: the lower RTP ports.
      const [hosting, spare] = [...pids].sort(
        (a, b) => server.janusRtpPorts(a).min - server.janusRtpPorts(b).min,
      );
      const killedAt = Date.now();
      process.kill(hosting!, 'SIGKILL');

      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
      console.log(`[failover] media flowing again at both ${Date.now() - killedAt} ms after the kill`);
      await assertPicturesMatch([ada, bob]);
      for (const p of [ada, bob]) {
        assert.equal(
          await selfTile(p.page).getAttribute('data-participant-id'),
          p.id,
          `${p.name} kept its id`,
        );
      }
      await waitForRoster(ada.page, [ada.id, bob.id]);
      await waitForRoster(bob.page, [ada.id, bob.id]);
      assert.ok(server.janusPids().includes(spare!), 'the other server ran on, untouched');
    },
  );
});
