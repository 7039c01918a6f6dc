// Janus killed in the middle of a call: the server's supervisor starts a new one, health goes back to
// "media ready", and the participants get media again. For now participants may have to rejoin (the
// walking skeleton does not yet move a running meeting to the new Janus), so the test accepts either
// an automatic recovery or one "Leave meeting" + "Join meeting" per participant, and says which.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import {
  completeSetup,
  createMeeting,
  joinAsGuest,
  joinSignedIn,
  leaveMeeting,
  selfTile,
  signIn,
} from './support/app';
import { TestBrowser } from './support/browser';
import { assertReceives, assertPicturesMatch, waitForRoster, type InMeeting } from './support/checks';
import { sleep } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('media server failure', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    server = await TestServer.start();
    browser = await TestBrowser.launch();
    await completeSetup(server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test(
    'Janus killed mid-call is restarted by the supervisor and participants get media again',
    { skip },
    async (t) => {
      const a = await browser.newParticipant('Ada');
      await signIn(a.context, server);
      const meeting: MeetingView = await createMeeting(a.context, server, 'Restart');
      const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
      const b = await browser.newParticipant('Bob');
      const bob: InMeeting = {
        name: 'Bob',
        page: b.page,
        id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob'),
      };
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

      // Automatic recovery, if the product does it, within a few seconds…
      const recovered = await Promise.all([
        assertReceives(ada, bob, 8_000),
        assertReceives(bob, ada, 8_000),
      ]).then(
        () => true,
        () => false,
      );
      if (!recovered) {
        // …otherwise the documented fallback: each participant rejoins.
        t.diagnostic('media did not resume by itself; participants rejoined (expected for now, see issue 2)');
        for (const p of [ada, bob]) {
          if ((await selfTile(p.page).count()) > 0) await leaveMeeting(p.page).catch(() => undefined);
        }
        ada.id = await joinSignedIn(ada.page, meeting.joinUrl);
        bob.id = await joinAsGuest(bob.page, meeting.joinUrl, 'Bob');
      } else {
        t.diagnostic('media resumed without rejoining');
      }
      await waitForRoster(ada.page, [ada.id, bob.id]);
      await waitForRoster(bob.page, [ada.id, bob.id]);
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
      await assertPicturesMatch([ada, bob]);
    },
  );
});
