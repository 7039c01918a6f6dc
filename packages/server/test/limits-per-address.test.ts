import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SIGNALING_PATH, type MeetingView } from '@conclave/protocol';
import type WebSocket from 'ws';
import { PUBLIC_URL, setUp, startTestApp, TestClient } from './support/app';
import { createTestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import { openSocket, startTestMediaPlane } from './media-support/signaling-harness';

/**
 * People behind one office NAT share one address, so a large meeting from one office needs the
 * per-address limits raised (MEET-QUALITY's 100 people): CONCLAVE_SOCKETS_PER_ADDRESS and
 * CONCLAVE_GUESTS_PER_ADDRESS, each through the real configuration, services and app.
 */

/** Guest tokens one address is issued, one request after another, until the first refusal (or `tries`). */
async function guestTokensIssued(env: Record<string, string>, tries: number): Promise<number> {
  const database = await createTestDatabase('sqlite');
  const t = await startTestApp(database, { env });
  try {
    const { client: owner } = await setUp(t);
    const meeting = (await owner.post('/api/meetings', { name: 'All hands' })).json<MeetingView>();
    const office = new TestClient(t.app, '192.0.2.10');
    for (let i = 0; i < tries; i++) {
      const res = await office.post(`/api/meetings/${meeting.id}/guests`, { displayName: `Guest ${i + 1}` });
      if (res.statusCode !== 201) {
        assert.equal(res.statusCode, 429, res.body);
        assert.equal(res.json<{ code: string }>().code, 'rate_limited');
        return i;
      }
    }
    return tries;
  } finally {
    await t.close();
    await database.close();
  }
}

test('OPS-CONFIG, MEET-QUALITY: one address is issued 120 guest tokens per 10 minutes by default, more when CONCLAVE_GUESTS_PER_ADDRESS says so', async () => {
  assert.equal(await guestTokensIssued({}, 130), 120, 'the 121st guest from one address is refused');
  assert.equal(
    await guestTokensIssued({ CONCLAVE_GUESTS_PER_ADDRESS: '150' }, 130),
    130,
    'raised to 150: all 130 are let in',
  );
});

describe('signaling sockets per address', { skip: janusUnavailableReason() ?? false }, () => {
  let media: Awaited<ReturnType<typeof startTestMediaPlane>>;
  before(async () => {
    media = await startTestMediaPlane();
  });
  after(async () => {
    await media?.stop();
  });

  /** Opens sockets from one address (loopback) until one is refused (or `tries`); returns how many opened. */
  const socketsOpened = async (env: Record<string, string>, tries: number): Promise<number> => {
    const database = await createTestDatabase('sqlite');
    const app = await startAppWithSignaling(database, { env, media: media.media });
    const { port } = app.t.app.server.address() as AddressInfo;
    const url = `ws://127.0.0.1:${port}${SIGNALING_PATH}`;
    const open: WebSocket[] = [];
    try {
      for (let i = 0; i < tries; i++) {
        try {
          open.push(await openSocket(url, { origin: new URL(PUBLIC_URL).origin }));
        } catch (err) {
          assert.equal((err as { status?: number }).status, 429, String(err));
          return i;
        }
      }
      return tries;
    } finally {
      for (const ws of open) ws.terminate();
      await app.stop();
      await database.close();
    }
  };

  test('OPS-CONFIG, MEET-QUALITY: the 101st signaling socket from one address is refused by default, let in when CONCLAVE_SOCKETS_PER_ADDRESS is raised', async () => {
    assert.equal(await socketsOpened({}, 110), 100, 'the 101st is refused (429)');
    assert.equal(
      await socketsOpened({ CONCLAVE_SOCKETS_PER_ADDRESS: '200' }, 110),
      110,
      'raised to 200: all 110 open',
    );
  });
});
