import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JanusClient } from '../src/media/janus-client';
import { removeJanusConfig, writeJanusConfig, type GeneratedJanusConfig } from '../src/media/janus-config';
import { freePort } from '../src/media/janus-supervisor';
import { silentLogger } from '../src/media/logger';
import { createMediaPlane, MediaUnavailableError, type MediaPlane } from '../src/media/media-plane';
import type { MediaStatus } from '../src/media/status';
import { VideoRoom } from '../src/media/videoroom';
import { janusUnavailableReason, JANUS_BINARY, waitFor } from './media-support/janus';

const skip = janusUnavailableReason() ?? false;

/** A node can host a room: create one through the plane's node and destroy it again. */
async function hostsRooms(plane: MediaPlane): Promise<boolean> {
  const node = await plane.nodeForRoom('probe', 2_000);
  const session = await node.client.createSession();
  try {
    const room = await VideoRoom.create(session, { adminKey: node.adminKey });
    await room.destroy();
    return true;
  } finally {
    await session.destroy();
  }
}

describe('embedded media plane', { skip }, () => {
  let tempDir: string;
  let plane: MediaPlane;

  before(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'conclave-test-plane-'));
    plane = createMediaPlane(
      {
        mode: 'embedded',
        servers: [{ region: 'default', capacity: 200 }],
        regionProbes: {},
        janusBinary: JANUS_BINARY,
        janusWsPort: 0,
        rtpPortRange: { min: 43000, max: 43999 },
        iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
        publicIp: null,
      },
      silentLogger,
      { supervisor: { tempDir, debugLevel: 3, restartBackoff: { initialMs: 100, maxMs: 1000 } } },
    );
  });
  after(async () => {
    await plane?.stop();
    await rm(tempDir, { recursive: true, force: true });
  });

  test('reports unavailable before start, ready after, and its node hosts rooms', async () => {
    assert.equal(plane.status(), 'unavailable');
    await plane.start();
    assert.equal(plane.status(), 'ready');
    const d = plane.diagnostics();
    assert.equal(d.mode, 'embedded');
    assert.ok(d.janusPid && d.nodeId);
    assert.equal(await hostsRooms(plane), true);
  });

  test('a killed Janus loses its node, then the plane is ready again on the restarted one', async () => {
    const before = plane.diagnostics();
    const statuses: MediaStatus[] = [];
    const onStatus = (s: MediaStatus) => statuses.push(s);
    plane.on('status', onStatus);
    const lost = waitFor<string>((r) => plane.once('nodeLost', r), 5_000, 'nodeLost');
    process.kill(before.janusPid!, 'SIGKILL');
    assert.equal(await lost, before.nodeId);
    const node = await plane.nodeForRoom('again', 15_000);
    plane.off('status', onStatus);
    assert.notEqual(node.id, before.nodeId);
    assert.notEqual(plane.diagnostics().janusPid, before.janusPid);
    assert.equal(plane.status(), 'ready');
    assert.ok(statuses.includes('unavailable') && statuses.at(-1) === 'ready', statuses.join(','));
    assert.equal(await hostsRooms(plane), true);
  });

  test('stop() leaves it unavailable, and nodeForRoom says so', async () => {
    await plane.stop();
    assert.equal(plane.status(), 'unavailable');
    await assert.rejects(plane.nodeForRoom('x', 200), MediaUnavailableError);
  });
});

describe('several embedded media servers', { skip }, () => {
  let tempDir: string;
  let plane: MediaPlane;

  before(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'conclave-test-plane2-'));
    plane = createMediaPlane(
      {
        mode: 'embedded',
        servers: [
          { region: 'eu-west', capacity: 200 },
          { region: 'eu-west', capacity: 200 },
        ],
        regionProbes: {},
        janusBinary: JANUS_BINARY,
        janusWsPort: 0,
        rtpPortRange: { min: 45000, max: 45999 },
        iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
        publicIp: null,
      },
      silentLogger,
      // No restart within the test: a killed server stays down, as a lost machine would.
      { supervisor: { tempDir, debugLevel: 3, restartBackoff: { initialMs: 60_000, maxMs: 60_000 } } },
    );
    await plane.start();
  });
  after(async () => {
    await plane?.stop();
    await rm(tempDir, { recursive: true, force: true });
  });

  test('NET-FAILOVER: two Janus servers run, each on its own slice of the RTP ports, in the configured region', () => {
    const { servers } = plane.diagnostics();
    assert.equal(servers.length, 2);
    assert.deepEqual(
      servers.map((s) => [s.region, s.status]),
      [
        ['eu-west', 'ready'],
        ['eu-west', 'ready'],
      ],
    );
    assert.notEqual(servers[0]!.janusPid, servers[1]!.janusPid);
  });

  test('NET-FAILOVER: a new room goes to the least loaded server; a lost server takes no new rooms', async () => {
    const [a, b] = plane.diagnostics().servers.map((s) => s.nodeId!);
    const load = new Map([
      [a!, 3],
      [b!, 1],
    ]);
    const byLoad = { load: (id: string) => ({ participants: load.get(id) ?? 0, rooms: 1 }) };
    assert.equal((await plane.nodeForRoom('m1', 1_000, byLoad)).id, b);
    load.set(b!, 5);
    assert.equal((await plane.nodeForRoom('m2', 1_000, byLoad)).id, a);

    const lost = waitFor<string>((r) => plane.once('nodeLost', r), 5_000, 'nodeLost');
    process.kill(plane.diagnostics().servers[0]!.janusPid!, 'SIGKILL');
    assert.equal(await lost, a);
    assert.equal(plane.status(), 'ready', 'the other server still hosts meetings');
    assert.equal((await plane.nodeForRoom('m3', 1_000, byLoad)).id, b, 'even though it is busier');
    assert.equal(await hostsRooms(plane), true);
  });

  test('NET-FAILOVER: a Janus that stops answering (its socket still open) is given up within seconds', async () => {
    const server = plane.diagnostics().servers[1]!;
    const lost = waitFor<string>((r) => plane.once('nodeLost', r), 6_000, 'nodeLost');
    process.kill(server.janusPid!, 'SIGSTOP');
    try {
      assert.equal(await lost, server.nodeId);
      await assert.rejects(plane.nodeForRoom('m4', 200), MediaUnavailableError, 'nothing left to host rooms');
    } finally {
      process.kill(server.janusPid!, 'SIGCONT');
    }
  });
});

describe('external media plane', { skip }, () => {
  let config: GeneratedJanusConfig;
  let janus: ChildProcess | null = null;
  let plane: MediaPlane;

  /** The operator's Janus: our generated config, with the API secret also as VideoRoom admin_key. */
  const startJanus = async () => {
    janus = spawn(
      JANUS_BINARY,
      ['-C', join(config.configsFolder, 'janus.jcfg'), '-F', config.configsFolder],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        (await JanusClient.connect(config.wsUrl, { connectTimeoutMs: 500 })).close();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const stopJanus = async () => {
    const child = janus;
    janus = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  before(async () => {
    const secret = 'external-secret-0123456789';
    config = await writeJanusConfig({
      wsPort: await freePort(),
      rtpPortRange: { min: 44000, max: 44999 },
      iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
      debugLevel: 3,
      apiSecret: secret,
      adminKey: secret,
    });
    await startJanus();
    plane = createMediaPlane(
      {
        mode: 'external',
        servers: [{ url: config.wsUrl, region: 'default', capacity: 200 }],
        apiSecret: secret,
        regionProbes: {},
      },
      silentLogger,
    );
  });
  after(async () => {
    await plane?.stop();
    await stopJanus();
    if (config !== undefined) await removeJanusConfig(config);
  });

  test('connects to the configured Janus with the API secret and creates rooms there', async () => {
    assert.equal(plane.status(), 'unavailable');
    await plane.start();
    assert.equal(plane.status(), 'ready');
    assert.deepEqual(plane.diagnostics().mode, 'external');
    assert.equal(await hostsRooms(plane), true);
  });

  test('reconnects when the external Janus comes back', async () => {
    const lost = waitFor<string>((r) => plane.once('nodeLost', r), 5_000, 'nodeLost');
    await stopJanus();
    await lost;
    assert.equal(plane.status(), 'unavailable');
    await startJanus();
    await plane.nodeForRoom('back', 15_000);
    assert.equal(plane.status(), 'ready');
    assert.equal(await hostsRooms(plane), true);
  });
});
