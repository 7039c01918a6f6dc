import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deviceIdentity, generateIdentityKeys, toBase64Url } from '@conclave/e2ee';
import type { MeetingView } from '@conclave/protocol';
import { VIDEOROOM_PLUGIN } from '../src/media/janus-client';
import type { MediaPlane } from '../src/media/media-plane';
import { setUp, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

/** A fresh device identity key, as a browser joining an E2EE meeting sends it. */
async function identityKey(): Promise<string> {
  return toBase64Url((await deviceIdentity(await generateIdentityKeys())).publicKey);
}

/** What Janus itself says about one of its VideoRooms (asked with the admin key, as only we can). */
async function janusRoom(media: MediaPlane, roomId: number): Promise<Record<string, unknown>> {
  const node = await media.nodeForRoom('');
  const session = await node.client.createSession();
  try {
    const handle = await session.attach(VIDEOROOM_PLUGIN);
    const reply = await handle.send({ request: 'list', admin_key: node.adminKey });
    const rooms = reply.data.list as Array<Record<string, unknown>>;
    const room = rooms.find((r) => r.room === roomId);
    assert.ok(room, `Janus lists no room ${roomId}`);
    return room;
  } finally {
    await session.destroy();
  }
}

describe('the media room of an end-to-end encrypted meeting', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  const sockets: SignalClient[] = [];

  const joinAs = async (cookie: string, meetingId: string) => {
    const client = await SignalClient.connect(server.url, { cookie });
    sockets.push(client);
    const joined = await client.request({ type: 'join', meetingId, identityKey: await identityKey() });
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    return client;
  };

  before(async () => {
    server = await startSignalingServer();
    server.directory.user('alice', 'org-1', 'Alice');
    server.directory.user('bob', 'org-1', 'Bob');
  });
  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await server?.stop();
  });

  test('E2EE-OPTIN: an E2EE meeting gets a Janus room that requires encrypted media and forwards VP8 only', async () => {
    const secret = server.directory.meeting('m-e2ee', 'org-1', 'Board', true);
    const plain = server.directory.meeting('m-plain', 'org-1', 'Stand-up');
    await joinAs('alice', secret.id);
    await joinAs('bob', plain.id);

    const encrypted = await janusRoom(server.media, server.rooms.room(secret.id)!.janusRoomId!);
    assert.equal(encrypted.require_e2ee, true);
    assert.equal(encrypted.videocodec, 'vp8');
    assert.equal(encrypted.audiocodec, 'opus');
    const clear = await janusRoom(server.media, server.rooms.room(plain.id)!.janusRoomId!);
    assert.equal(clear.require_e2ee, false);
    assert.equal(clear.videocodec, 'vp8,h264');
  });
});

describe('switching E2EE while a meeting is in progress', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let owner: TestClient;

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    ({ client: owner } = await setUp(app.t));
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  for (const [from, to] of [
    [false, true],
    [true, false],
  ]) {
    test(`E2EE-OPTIN: E2EE cannot be turned ${to ? 'on' : 'off'} while anyone is in the meeting (409), only once all have left`, async () => {
      const created = await owner.post('/api/meetings', { name: 'All hands', e2ee: from });
      const meeting = created.json<MeetingView>();
      const guest = await app.connect();
      const joined = await guest.request({
        type: 'join',
        meetingId: meeting.id,
        displayName: 'Gus',
        identityKey: await identityKey(),
      });
      assert.equal(joined.type, 'joined', JSON.stringify(joined));

      const refused = await owner.patch(`/api/meetings/${meeting.id}`, { e2ee: to });
      assert.equal(refused.statusCode, 409);
      assert.deepEqual(refused.json(), {
        code: 'meeting_in_progress',
        message: `End-to-end encryption cannot be turned ${to ? 'on' : 'off'} while the meeting is in progress; try again when everyone has left`,
      });
      assert.equal((await owner.get(`/api/meetings/${meeting.id}`)).json<MeetingView>().e2ee, from);
      // Other changes go through, and asking for the setting it already has is no switch.
      const renamed = await owner.patch(`/api/meetings/${meeting.id}`, {
        name: 'All hands (live)',
        e2ee: from,
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json<MeetingView>().name, 'All hands (live)');

      assert.equal((await guest.request({ type: 'leave' })).type, 'ack');
      const switched = await owner.patch(`/api/meetings/${meeting.id}`, { e2ee: to });
      assert.equal(switched.statusCode, 200, switched.body);
      assert.equal(switched.json<MeetingView>().e2ee, to);
      assert.equal((await owner.get(`/api/meetings/${meeting.id}/public`)).json().e2ee, to);
    });
  }
});
