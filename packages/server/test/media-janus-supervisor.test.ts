import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { JanusClient, JANUS_SUBPROTOCOL } from '../src/media/janus-client';
import { JanusSupervisor, type JanusEndpoint, type JanusExit } from '../src/media/janus-supervisor';
import { janusUnavailableReason, startTestJanus, waitFor } from './media-support/janus';

const skip = janusUnavailableReason() ?? false;

/** Local TCP listeners of a process, as "address:port", read from /proc. */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9]!)) continue; // 0A = LISTEN
      const [hexIp, hexPort] = cols[1]!.split(':');
      out.push(`${decodeIp(hexIp!)}:${parseInt(hexPort!, 16)}`);
    }
  }
  return out;
}

function decodeIp(hex: string): string {
  if (hex.length === 8) {
    return [0, 2, 4, 6]
      .map((i) => parseInt(hex.slice(i, i + 2), 16))
      .reverse()
      .join('.');
  }
  return hex;
}

describe('embedded Janus supervisor', { skip }, () => {
  let janus: Awaited<ReturnType<typeof startTestJanus>>;

  before(async () => {
    janus = await startTestJanus();
  });
  after(async () => {
    await janus?.stop();
  });

  test('starts Janus and reports ready once its WebSocket answers', async () => {
    assert.equal(janus.supervisor.status(), 'ready');
    assert.match(janus.endpoint.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const client = await JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });
    try {
      const info = await client.info();
      assert.equal(info.janus, 'server_info');
    } finally {
      client.close();
    }
  });

  test('the generated config loads only the VideoRoom plugin and the WebSocket transport', async () => {
    const client = await JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });
    try {
      const info = await client.info();
      assert.deepEqual(Object.keys(info.plugins as object), ['janus.plugin.videoroom']);
      assert.deepEqual(Object.keys(info.transports as object), ['janus.transport.websockets']);
      assert.deepEqual(Object.keys((info.events as object) ?? {}), []);
      assert.equal(info['api_secret'], true, 'Janus requires an API secret');
    } finally {
      client.close();
    }
  });

  test('Janus listens on 127.0.0.1 only, on the WebSocket port', () => {
    const pid = janus.supervisor.pid();
    assert.ok(pid);
    const port = Number(new URL(janus.endpoint.url).port);
    const sockets = listeningSockets(pid);
    assert.deepEqual(sockets, [`127.0.0.1:${port}`]);
  });

  test('requests without the API secret are refused', async () => {
    const client = await JanusClient.connect(janus.endpoint.url);
    try {
      await assert.rejects(client.createSession(), (err: Error & { code?: number }) => {
        assert.equal(err.code, 403);
        return true;
      });
    } finally {
      client.close();
    }
  });

  test('the WebSocket refuses clients without the janus-protocol subprotocol', async () => {
    const ws = new WebSocket(janus.endpoint.url, 'something-else');
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve(`open:${ws.protocol}`));
      ws.once('error', () => resolve('refused'));
    });
    ws.terminate();
    assert.notEqual(outcome, `open:${JANUS_SUBPROTOCOL}`);
  });

  test('a Janus killed with SIGKILL is restarted and reported ready again', async () => {
    const before = janus.supervisor.endpoint()!;
    const statuses: string[] = [];
    const onStatus = (s: string) => statuses.push(s);
    janus.supervisor.on('status', onStatus);
    const exited = waitFor<JanusExit>((r) => janus.supervisor.once('exited', r), 5_000, 'exited');
    const ready = waitFor<JanusEndpoint>((r) => janus.supervisor.once('ready', r), 15_000, 'ready again');
    process.kill(before.pid, 'SIGKILL');
    const exit = await exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.expected, false);
    const after = await ready;
    janus.supervisor.off('status', onStatus);
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.generation, before.generation + 1);
    assert.notEqual(after.apiSecret, before.apiSecret, 'a new API secret for every start');
    assert.deepEqual(statuses.slice(0, 2), ['unavailable', 'starting']);
    assert.equal(janus.supervisor.status(), 'ready');
    const client = await JanusClient.connect(after.url, { apiSecret: after.apiSecret });
    try {
      const session = await client.createSession();
      await session.destroy();
    } finally {
      client.close();
    }
  });

  test('stop() ends Janus and removes its config folder', async () => {
    const own = await startTestJanus();
    const pid = own.supervisor.pid()!;
    const dirs = readdirSync(own.tempDir);
    assert.equal(dirs.length, 1, 'one generated config folder');
    await own.supervisor.stop();
    assert.equal(own.supervisor.status(), 'unavailable');
    assert.throws(() => process.kill(pid, 0), 'the Janus process is gone');
    assert.deepEqual(readdirSync(own.tempDir), []);
    await own.stop();
  });
});

describe('supervisor without Janus', () => {
  test('a missing binary makes start() reject with the reason', async () => {
    const supervisor = new JanusSupervisor({
      binary: '/nonexistent/janus',
      wsPort: 0,
      rtpPortRange: { min: 40000, max: 40100 },
      iceInterfaces: null,
      restartBackoff: { initialMs: 50, maxMs: 100 },
      ...(janusUnavailableReason() && { janusLibDir: '/nonexistent' }),
    });
    await assert.rejects(supervisor.start(), /nonexistent\/janus|not found/);
    assert.equal(supervisor.status() === 'ready', false);
    await supervisor.stop();
    assert.equal(supervisor.status(), 'unavailable');
  });
});
