// NET-REGIONS through signaling, on real Janus servers: where a meeting's room is made, by the region
// round-trip times its first participant's join carries, and where it goes when its server is lost.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RegionRtts } from '@conclave/protocol';
import { silentLogger } from '../src/media/logger';
import { createMediaPlane, type MediaPlane } from '../src/media/media-plane';
import { JANUS_BINARY, janusUnavailableReason } from './media-support/janus';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, 'timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('NET-REGIONS: meetings placed by region', { skip }, () => {
  let tempDir: string;
  let media: MediaPlane;
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  /** Carol's meeting, placed in b because a was full; the second test takes its server away. */
  let carol: SignalClient;

  before(async () => {
    tempDir = await mkdtemp(joinPath(tmpdir(), 'conclave-test-regions-'));
    // Region a holds one participant; b has two servers. Nothing restarts: a killed server stays down.
    media = createMediaPlane(
      {
        mode: 'embedded',
        servers: [
          { region: 'a', capacity: 1 },
          { region: 'b', capacity: 10 },
          { region: 'b', capacity: 10 },
        ],
        regionProbes: {},
        janusBinary: JANUS_BINARY,
        janusWsPort: 0,
        rtpPortRange: { min: 46000, max: 46899 },
        iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
        publicIp: null,
      },
      silentLogger,
      { supervisor: { tempDir, debugLevel: 3, restartBackoff: { initialMs: 60_000, maxMs: 60_000 } } },
    );
    await media.start();
    server = await startSignalingServer({ media });
    for (const id of ['m-1', 'm-2', 'm-3']) server.directory.meeting(id, 'org-1', id);
    for (const name of ['alice', 'bob', 'carol', 'dan']) server.directory.user(name, 'org-1', name);
  });
  after(async () => {
    await server?.stop();
    await media?.stop();
    await rm(tempDir, { recursive: true, force: true });
  });

  async function join(cookie: string, meetingId: string, regionRtts?: RegionRtts) {
    const client = await SignalClient.connect(server.url, { cookie });
    const joined = await client.request({ type: 'join', meetingId, ...(regionRtts && { regionRtts }) });
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    return client;
  }
  /** The media server a meeting's room is on, and that server's region. */
  const placedOn = (meetingId: string) => {
    const id = server.rooms.room(meetingId)?.serverId;
    const found = media.diagnostics().servers.find((s) => s.id === id);
    return found ? `${found.id}/${found.region}` : null;
  };

  test('NET-REGIONS: a meeting goes to its first participant’s nearest region; a later joiner nearer elsewhere follows it there', async () => {
    const alice = await join('alice', 'm-1', { a: 12, b: 95 });
    assert.equal(placedOn('m-1'), 'embedded-1/a');
    const bob = await join('bob', 'm-1', { a: 140, b: 3 });
    assert.equal(placedOn('m-1'), 'embedded-1/a', 'the room stays where it is');
    assert.equal(server.rooms.size, 1);
    // Region a (capacity 1) is now over its capacity: the next meeting that prefers it goes to b.
    carol = await join('carol', 'm-2', { a: 10, b: 100 });
    assert.equal(placedOn('m-2'), 'embedded-2/b', 'a is full: spilled to the next nearest region');
    // A join without measurements: the roomiest server of any region (embedded-3, empty).
    const dan = await join('dan', 'm-3');
    assert.equal(placedOn('m-3'), 'embedded-3/b');
    for (const c of [alice, bob, dan]) c.close();
    await Promise.all([alice.closed(), bob.closed(), dan.closed()]);
  });

  test('NET-REGIONS: a meeting whose server is lost moves to another server of its own region, even when its first participant was nearer another', async () => {
    // Carol is nearest a, but a was full when she came: her meeting runs in b.
    assert.equal(placedOn('m-2'), 'embedded-2/b');
    await waitUntil(() => placedOn('m-1') === null);
    assert.equal(placedOn('m-1'), null, 'm-1 is over, so a has room again');
    const lost = media.diagnostics().servers.find((s) => s.id === 'embedded-2')!;
    process.kill(lost.janusPid!, 'SIGKILL');
    await carol.next('mediaMoved', () => true, 10_000);
    assert.equal(placedOn('m-2'), 'embedded-3/b', 'the other server of b, not a (nearer to carol, and free)');
    carol.close();
    await carol.closed();
  });
});
