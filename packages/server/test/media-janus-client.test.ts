import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import {
  isJanusError,
  JanusClient,
  JanusError,
  JANUS_SUBPROTOCOL,
  VideoRoomErrorCode,
} from '../src/media/janus-client';
import { silentLogger } from '../src/media/logger';
import { VideoRoom } from '../src/media/videoroom';
import { janusUnavailableReason, startTestJanus, waitFor } from './media-support/janus';

const skip = janusUnavailableReason() ?? false;

describe('Janus client against a real Janus', { skip }, () => {
  let janus: Awaited<ReturnType<typeof startTestJanus>>;
  let client: JanusClient;

  before(async () => {
    janus = await startTestJanus();
    client = await JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });
  });
  after(async () => {
    client?.close();
    await janus?.stop();
  });

  test('creates a session and attaches a VideoRoom handle', async () => {
    const session = await client.createSession();
    assert.ok(Number.isSafeInteger(session.id));
    const handle = await session.attach();
    assert.ok(Number.isSafeInteger(handle.id));
    assert.equal(handle.isOpen, true);
    await handle.detach();
    assert.equal(handle.isOpen, false);
    await session.destroy();
    assert.equal(session.isOpen, false);
  });

  test('creates and destroys a room; Janus confirms with exists', async () => {
    const session = await client.createSession();
    const room = await VideoRoom.create(session, { adminKey: janus.endpoint.adminKey });
    const probe = await session.attach();
    assert.equal(await VideoRoom.exists(probe, room.id), true);
    await room.destroy();
    assert.equal(await VideoRoom.exists(probe, room.id), false);
    await session.destroy();
  });

  test('only the control plane creates rooms: a create without the admin key is refused', async () => {
    const session = await client.createSession();
    await assert.rejects(VideoRoom.create(session), (err) => {
      assert.ok(isJanusError(err, 'plugin'), String(err));
      assert.ok(
        err.code === VideoRoomErrorCode.missingElement || err.code === VideoRoomErrorCode.unauthorized,
        `code ${err.code}`,
      );
      return true;
    });
    await session.destroy();
  });

  test('joining a room that does not exist is a typed plugin error (426)', async () => {
    const session = await client.createSession();
    const handle = await session.attach();
    await assert.rejects(handle.send({ request: 'join', ptype: 'publisher', room: 4242 }), (err) => {
      assert.ok(err instanceof JanusError);
      assert.equal(err.kind, 'plugin');
      assert.equal(err.code, VideoRoomErrorCode.noSuchRoom);
      return true;
    });
    // The handle still works after a refused request.
    assert.equal(await VideoRoom.exists(handle, 4242), false);
    await session.destroy();
  });

  test('a core error (unknown session) is a typed api error', async () => {
    await assert.rejects(
      client.request({ janus: 'attach', session_id: 1, plugin: 'janus.plugin.videoroom' }, 'reply'),
      (err) => {
        assert.ok(isJanusError(err, 'api', 458), String(err));
        return true;
      },
    );
  });

  test('losing the connection emits closed on the client, sessions and handles', async () => {
    const own = await JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });
    const session = await own.createSession();
    const handle = await session.attach();
    const closed = waitFor<Error | null>((r) => own.once('closed', r), 2_000, 'client closed');
    const sessionClosed = waitFor<string>((r) => session.once('closed', r), 2_000, 'session closed');
    const detached = waitFor<string>((r) => handle.once('detached', r), 2_000, 'handle detached');
    own.close();
    await Promise.all([closed, sessionClosed, detached]);
    await assert.rejects(handle.send({ request: 'exists', room: 1 }), (err) => isJanusError(err, 'closed'));
  });
});

/**
 * A scripted Janus for orderings a real one produces only sometimes: it answers each plugin
 * message with its `event` first and the `ack` after it, as Janus does under load.
 */
describe('Janus client wire handling', () => {
  let server: WebSocketServer;
  let url: string;
  const received: Array<Record<string, unknown>> = [];
  let onMessage: (ws: ServerSocket, msg: Record<string, unknown>) => void = () => undefined;

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => JANUS_SUBPROTOCOL });
    await new Promise((r) => server.once('listening', r));
    const address = server.address();
    url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    server.on('connection', (ws) => {
      ws.on('message', (raw) => {
        const msg = JSON.parse(raw.toString()) as Record<string, unknown>;
        received.push(msg);
        onMessage(ws, msg);
      });
    });
  });
  after(async () => {
    for (const ws of server.clients) ws.terminate();
    await new Promise((r) => server.close(r));
  });

  const send = (ws: ServerSocket, msg: object) => ws.send(JSON.stringify(msg));

  function standard(ws: ServerSocket, msg: Record<string, unknown>): boolean {
    const transaction = msg.transaction;
    if (msg.janus === 'create') send(ws, { janus: 'success', transaction, data: { id: 11 } });
    else if (msg.janus === 'attach')
      send(ws, { janus: 'success', transaction, session_id: 11, data: { id: 22 } });
    else if (msg.janus === 'keepalive') send(ws, { janus: 'ack', transaction, session_id: 11 });
    else return false;
    return true;
  }

  test('an ack that arrives after its event does not confuse the request', async () => {
    onMessage = (ws, msg) => {
      if (standard(ws, msg)) return;
      const transaction = msg.transaction;
      send(ws, {
        janus: 'event',
        session_id: 11,
        sender: 22,
        transaction,
        plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', configured: 'ok' } },
        jsep: { type: 'answer', sdp: 'v=0\r\n' },
      });
      send(ws, { janus: 'ack', session_id: 11, transaction });
    };
    const client = await JanusClient.connect(url, { apiSecret: 's3cret' });
    const session = await client.createSession();
    const handle = await session.attach();
    const unsolicited: unknown[] = [];
    handle.on('event', (data) => unsolicited.push(data));
    const reply = await handle.send({ request: 'publish' }, { type: 'offer', sdp: 'v=0\r\n' });
    assert.equal(reply.data.configured, 'ok');
    assert.equal(reply.jsep?.type, 'answer');
    // The late ack must not be taken as the answer of the next request either.
    const second = await handle.send({ request: 'configure' });
    assert.equal(second.data.configured, 'ok');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(unsolicited, [], 'the answers were not mistaken for unsolicited events');
    assert.equal(received.find((m) => m.janus === 'message')?.apisecret, 's3cret');
    client.close();
  });

  test('a plugin error inside a success reply rejects with its error_code', async () => {
    onMessage = (ws, msg) => {
      if (standard(ws, msg)) return;
      send(ws, {
        janus: 'success',
        session_id: 11,
        sender: 22,
        transaction: msg.transaction,
        plugindata: {
          plugin: 'janus.plugin.videoroom',
          data: { videoroom: 'event', error_code: 427, error: 'Room 1 already exists' },
        },
      });
    };
    const client = await JanusClient.connect(url);
    const handle = await (await client.createSession()).attach();
    await assert.rejects(handle.send({ request: 'create', room: 1 }), (err) => {
      assert.ok(isJanusError(err, 'plugin', VideoRoomErrorCode.roomExists), String(err));
      assert.match((err as Error).message, /already exists/);
      return true;
    });
    client.close();
  });

  test('events without a pending transaction reach their handle by sender', async () => {
    onMessage = (ws, msg) => {
      if (standard(ws, msg)) return;
    };
    const client = await JanusClient.connect(url);
    const session = await client.createSession();
    const handle = await session.attach();
    const events: string[] = [];
    handle.on('webrtcup', () => events.push('webrtcup'));
    handle.on('media', (m) => events.push(`media:${m.type}:${m.mid}:${m.receiving}`));
    handle.on('hangup', (reason) => events.push(`hangup:${reason}`));
    handle.on('event', (data) => events.push(`event:${String(data.unpublished)}`));
    const ws = [...server.clients].at(-1)!;
    send(ws, { janus: 'webrtcup', session_id: 11, sender: 22 });
    send(ws, { janus: 'media', session_id: 11, sender: 22, type: 'video', mid: '1', receiving: true });
    send(ws, {
      janus: 'event',
      session_id: 11,
      sender: 22,
      plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', unpublished: 5 } },
    });
    send(ws, { janus: 'event', session_id: 11, sender: 99, plugindata: { plugin: 'x', data: {} } });
    send(ws, { janus: 'hangup', session_id: 11, sender: 22, reason: 'DTLS alert' });
    const detached = waitFor<string>((r) => handle.once('detached', r), 1_000, 'detached');
    send(ws, { janus: 'detached', session_id: 11, sender: 22 });
    await detached;
    assert.deepEqual(events, ['webrtcup', 'media:video:1:true', 'event:5', 'hangup:DTLS alert']);
    client.close();
  });

  test('a listener that throws cannot break the connection: later events and replies still arrive', async () => {
    onMessage = (ws, msg) => {
      if (standard(ws, msg)) return;
      send(ws, {
        janus: 'success',
        session_id: 11,
        sender: 22,
        transaction: msg.transaction,
        plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'success', exists: false } },
      });
    };
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (obj: unknown) => errors.push(obj) };
    const client = await JanusClient.connect(url, { logger });
    const handle = await (await client.createSession()).attach();
    const events: string[] = [];
    handle.on('webrtcup', () => {
      throw new Error('a buggy listener');
    });
    handle.on('hangup', (reason) => events.push(`hangup:${reason}`));
    const ws = [...server.clients].at(-1)!;
    send(ws, { janus: 'webrtcup', session_id: 11, sender: 22 });
    send(ws, { janus: 'hangup', session_id: 11, sender: 22, reason: 'after the throw' });
    const reply = await handle.send({ request: 'exists', room: 1 });
    assert.equal(reply.data.exists, false);
    assert.deepEqual(events, ['hangup:after the throw']);
    assert.equal(client.isOpen, true);
    assert.equal(errors.length, 1, 'the failing listener is logged');
    client.close();
  });

  test('a request Janus never answers times out with a typed error', async () => {
    onMessage = (ws, msg) => {
      standard(ws, msg);
    };
    const client = await JanusClient.connect(url, { requestTimeoutMs: 100 });
    const handle = await (await client.createSession()).attach();
    await assert.rejects(handle.send({ request: 'exists', room: 1 }), (err) => isJanusError(err, 'timeout'));
    client.close();
  });

  test('sessions send keepalives', async () => {
    onMessage = (ws, msg) => {
      standard(ws, msg);
    };
    received.length = 0;
    const client = await JanusClient.connect(url, { keepaliveMs: 30 });
    const session = await client.createSession();
    await new Promise((r) => setTimeout(r, 120));
    const keepalives = received.filter((m) => m.janus === 'keepalive' && m.session_id === session.id);
    assert.ok(keepalives.length >= 2, `${keepalives.length} keepalives`);
    client.close();
  });

  test('the socket dropping fails pending requests and emits closed once', async () => {
    onMessage = (ws, msg) => {
      if (standard(ws, msg)) return;
      ws.terminate(); // dies mid-request
    };
    const client = await JanusClient.connect(url);
    const handle = await (await client.createSession()).attach();
    let closedCount = 0;
    client.on('closed', () => closedCount++);
    await assert.rejects(handle.send({ request: 'join' }), (err) => isJanusError(err, 'closed'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(closedCount, 1);
    assert.equal(client.isOpen, false);
    assert.equal(handle.isOpen, false);
  });
});
