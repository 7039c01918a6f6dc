// What /metrics and /api/ready say about a real call: two browsers joined through the real server and
// Janus, the second while the first was already publishing, so every join step is timed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReadinessView } from '@conclave/protocol';
import { ADMIN, createMeeting, joinAsGuest, joinSignedIn, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceives, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { scrapeUrl } from '../../packages/server/test/support/metrics';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

describe('metrics of a real call', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'OPS-OBS: join steps are timed, and the call shows in the gauges and readiness',
    { skip },
    async (t) => {
      const ready = await fetch(`${server.url}/api/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual((await ready.json()) as ReadinessView, {
        status: 'ready',
        database: 'ready',
        media: 'ready',
      });

      const hostCtx = await browser.newParticipant('Ada');
      await signIn(hostCtx.context, server, ADMIN);
      const meeting = await createMeeting(hostCtx.context, server, 'Measured');
      const ada: InMeeting = {
        name: 'Ada',
        page: hostCtx.page,
        id: await joinSignedIn(hostCtx.page, meeting.joinUrl),
      };
      // Bob joins once Ada publishes, so his first subscription offer is the server's work alone.
      for (const deadline = Date.now() + 15_000; ;) {
        const m = await scrapeUrl(server.url);
        if (m.value('conclave_join_step_seconds_count', { step: 'publish_to_answer' }) >= 1) break;
        assert.ok(Date.now() < deadline, 'Ada never got a publish answer');
        await new Promise((r) => setTimeout(r, 100));
      }
      const guestCtx = await browser.newParticipant('Bob');
      const bob: InMeeting = {
        name: 'Bob',
        page: guestCtx.page,
        id: await joinAsGuest(guestCtx.page, meeting.joinUrl, 'Bob'),
      };
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);

      const m = await scrapeUrl(server.url);
      const count = (step: string) => m.value('conclave_join_step_seconds_count', { step });
      assert.equal(count('join_to_joined'), 2);
      assert.ok(count('publish_to_answer') >= 2, 'both published');
      assert.equal(count('join_to_first_offer'), 1, 'timed for Bob only: nobody published when Ada joined');
      assert.equal(
        m.value('conclave_join_step_seconds_bucket', { step: 'join_to_first_offer', le: '10' }),
        1,
      );
      const firstOffer = m.value('conclave_join_step_seconds_sum', { step: 'join_to_first_offer' });
      assert.ok(firstOffer > 0 && firstOffer < 10, `first offer after ${firstOffer} s`);
      const mean = (step: string) =>
        ((1000 * m.value('conclave_join_step_seconds_sum', { step })) / count(step)).toFixed(1);
      t.diagnostic(
        `mean ms: join_to_joined ${mean('join_to_joined')}, publish_to_answer ${mean('publish_to_answer')}, ` +
          `join_to_first_offer ${mean('join_to_first_offer')}`,
      );
      assert.equal(m.value('conclave_meetings_active'), 1);
      assert.equal(m.value('conclave_participants_active'), 2);
      assert.equal(m.value('conclave_signaling_sockets_open'), 2);
      assert.equal(m.value('conclave_participant_joins_total', { kind: 'user' }), 1);
      assert.equal(m.value('conclave_participant_joins_total', { kind: 'guest' }), 1);
      assert.equal(m.value('conclave_media_ready'), 1);
      assert.equal(m.value('conclave_janus_exits_total', { expected: 'false' }), 0);
    },
  );
});
