// MEET-RECONNECT in real browsers through the real server and Janus: Bob's browser runs in a network
// namespace of its own (support/cut-link.ts), so his network alone can be cut and restored while Ada's
// stays. Nobody clicks anything: Bob's client shows "Reconnecting…" and comes back by itself under the
// same participant id, and Ada never sees him leave.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { selfTile } from './support/app';
import { assertBackTogether, assertReceives, type InMeeting } from './support/checks';
import { sleep } from './support/media';
import { ReconnectStage, readWatch, watchRoom } from './support/reconnect-scene';
import { mediaSkipReason } from './support/sandbox';

const skip = mediaSkipReason();
const RECONNECTING = 'Connection lost. Reconnecting…';

/** Polls `check` every 100 ms until it holds, or fails after `ms` saying what was awaited. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function assertSameParticipants(ada: InMeeting, bob: InMeeting): Promise<void> {
  await assertBackTogether([ada, bob]);
  assert.equal(await selfTile(bob.page).getAttribute('data-participant-id'), bob.id, 'Bob kept his id');
  const adaSaw = await readWatch(ada.page);
  assert.deepEqual(adaSaw.left, [], 'Ada never saw Bob leave');
  // Her own media may stall for a moment on this loaded machine (then her page says so too), but her
  // participation never broke.
  assert.deepEqual([adaSaw.recoveries.resumes, adaSaw.recoveries.rejoins], [0, 0]);
  assert.equal(await selfTile(ada.page).getAttribute('data-participant-id'), ada.id);
}

/** Each test's meeting goes with it, so that the next cut touches only the next one's pages. */
async function leaveBoth(ada: InMeeting, bob: InMeeting): Promise<void> {
  await Promise.all([ada.page.context().close(), bob.page.context().close()]);
}

describe('MEET-RECONNECT: one participant’s network goes away and comes back', () => {
  let stage: ReconnectStage;

  before(async () => {
    if (skip) return;
    stage = await ReconnectStage.start();
  });
  after(() => stage?.stop());

  test(
    'MEET-RECONNECT: Bob’s network is cut for 5 s: he sees "Reconnecting…", then his media resumes at Ada and hers at him by itself, same participant id, and Ada never sees him leave',
    { skip },
    async () => {
      const { ada, bob } = await stage.adaHostsBob('Network cut');
      try {
        await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
        await Promise.all([watchRoom(ada.page), watchRoom(bob.page)]);

        stage.link.cut('all');
        const cutAt = Date.now();
        const banner = bob.page.getByText(RECONNECTING);
        try {
          await banner.waitFor({ state: 'visible', timeout: 5_000 });
          await sleep(5_000 - (Date.now() - cutAt));
        } finally {
          stage.link.restore();
        }

        await assertSameParticipants(ada, bob);
        await banner.waitFor({ state: 'hidden', timeout: 15_000 });
        const bobWent = await readWatch(bob.page);
        assert.deepEqual(bobWent.states.slice(0, 1), ['reconnecting']);
        assert.equal(bobWent.states.at(-1), 'connected', 'connected again by itself');
        assert.equal(bobWent.recoveries.rejoins, 0, 'no rejoin: the same participation went on');
      } finally {
        await leaveBoth(ada, bob);
      }
    },
  );

  test(
    'MEET-RECONNECT: Bob’s signaling is cut until the server’s heartbeat ends his socket; his client resumes it when the network is back: same participant id, Ada never sees him leave, media flows throughout',
    { skip },
    async () => {
      const { ada, bob } = await stage.adaHostsBob('Signaling cut');
      try {
        await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
        await Promise.all([watchRoom(ada.page), watchRoom(bob.page)]);

        stage.link.cut('signaling');
        try {
          // The server pings every 10 s and ends a socket after two missed pongs: it then holds Bob.
          const held = () =>
            stage.server
              .logLines()
              .some((line) => line.includes('participant held') && line.includes(bob.id));
          await until(async () => held(), 45_000, 'the server to end Bob’s socket and hold his seat');
          await bob.page.getByText(RECONNECTING).waitFor({ state: 'visible', timeout: 5_000 });
          // Ada keeps decoding Bob meanwhile: only signaling is gone.
          await assertReceives(ada, bob);
        } finally {
          stage.link.restore();
        }

        await until(
          async () => (await readWatch(bob.page)).recoveries.resumes >= 1,
          30_000,
          'Bob’s client to resume its participation',
        );
        await assertSameParticipants(ada, bob);
        const bobWent = await readWatch(bob.page);
        assert.equal(bobWent.recoveries.rejoins, 0, 'resumed, not rejoined');
        assert.equal(bobWent.states.at(-1), 'connected');
      } finally {
        await leaveBoth(ada, bob);
      }
    },
  );

  test(
    'MEET-RECONNECT: only Bob’s media is cut while signaling stays: his connections restart ICE (not a rejoin) and media comes back at both',
    { skip },
    async () => {
      const { ada, bob } = await stage.adaHostsBob('Media cut');
      try {
        await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
        await Promise.all([watchRoom(ada.page), watchRoom(bob.page)]);

        stage.link.cut('media');
        try {
          await until(
            async () => (await readWatch(bob.page)).recoveries.iceRestarts >= 1,
            20_000,
            'an ICE restart while the media is cut',
          );
          await bob.page.getByText(RECONNECTING).waitFor({ state: 'visible', timeout: 1_000 });
        } finally {
          stage.link.restore();
        }

        await assertSameParticipants(ada, bob);
        const bobWent = await readWatch(bob.page);
        assert.ok(bobWent.recoveries.iceRestarts >= 1);
        assert.deepEqual(
          [bobWent.recoveries.resumes, bobWent.recoveries.rejoins],
          [0, 0],
          'the signaling socket stayed, nobody rejoined',
        );
        assert.equal(bobWent.states.at(-1), 'connected');
      } finally {
        await leaveBoth(ada, bob);
      }
    },
  );
});
