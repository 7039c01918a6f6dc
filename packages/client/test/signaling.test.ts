/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage } from '@conclave/protocol';
import { ConclaveError, SignalingError } from '../src/errors';
import { SignalingClient, type SignalingCloseInfo } from '../src/signaling';
import { FakeSocket } from './support/fake-socket';

async function connected(
  options: { pingIntervalMs?: number; pingTimeoutMs?: number; requestTimeoutMs?: number } = {},
) {
  let socket: FakeSocket | undefined;
  const client = new SignalingClient({
    url: 'ws://conclave.test/api/signal',
    pingIntervalMs: 0,
    ...options,
    createSocket: (url, protocol) => (socket = new FakeSocket(url, protocol)),
  });
  const opening = client.connect();
  assert.ok(socket);
  socket.open();
  await opening;
  return { client, socket };
}

describe('SignalingClient', () => {
  test('asks for the conclave.v1 subprotocol', async () => {
    const { socket } = await connected();
    assert.equal(socket.requestedProtocol, 'conclave.v1');
    assert.equal(socket.url, 'ws://conclave.test/api/signal');
  });

  test('replies are matched to their requests by rid, in any order', async () => {
    const { client, socket } = await connected();
    const join = client.request({ type: 'join', meetingId: 'm1' });
    const joinRid = socket.lastRid();
    const mute = client.request({ type: 'setMute', source: 'camera', muted: true });
    const muteRid = socket.lastRid();
    assert.notEqual(joinRid, muteRid);
    assert.deepEqual(socket.sent[1], { type: 'setMute', source: 'camera', muted: true, rid: muteRid });

    socket.serverSends({ type: 'ack', rid: muteRid });
    socket.serverSends({
      type: 'joined',
      rid: joinRid,
      participantId: 'p1',
      meeting: { id: 'm1', name: 'Weekly' },
      participants: [],
      iceServers: [],
    });
    assert.equal((await mute).type, 'ack');
    const joined = await join;
    assert.equal(joined.participantId, 'p1');
    assert.equal(joined.meeting.name, 'Weekly');
  });

  test('an error frame rejects the request with the stable code, message and field', async () => {
    const { client, socket } = await connected();
    const join = client.request({ type: 'join', meetingId: 'nope' });
    socket.serverSends({
      type: 'error',
      rid: socket.lastRid(),
      code: 'meeting_not_found',
      message: 'This meeting does not exist',
      field: 'meetingId',
    });
    await assert.rejects(join, (err: unknown) => {
      assert.ok(err instanceof SignalingError);
      assert.equal(err.code, 'meeting_not_found');
      assert.equal(err.message, 'This meeting does not exist');
      assert.equal(err.field, 'meetingId');
      return true;
    });
  });

  test('a request without a reply times out with request_timeout', async () => {
    const { client } = await connected({ requestTimeoutMs: 20 });
    await assert.rejects(client.request({ type: 'leave' }), { code: 'request_timeout' });
  });

  test('messages that answer no pending request are emitted, malformed frames are ignored', async () => {
    const { client, socket } = await connected();
    const seen: ServerMessage[] = [];
    client.on('message', (m) => seen.push(m));
    socket.serverSends('not json');
    socket.serverSends('{"no":"type"}');
    socket.serverSends({ type: 'participantLeft', participantId: 'p2', reason: 'left' });
    socket.serverSends({ type: 'error', code: 'invalid_state', message: 'late', rid: '999' });
    assert.deepEqual(
      seen.map((m) => m.type),
      ['participantLeft', 'error'],
    );
  });

  test('a reply of the wrong type is a protocol error', async () => {
    const { client, socket } = await connected();
    const join = client.request({ type: 'join', meetingId: 'm1' });
    socket.serverSends({ type: 'ack', rid: socket.lastRid() });
    await assert.rejects(join, { code: 'protocol_error' });
  });

  test('when the socket closes, pending requests reject and close is emitted once', async () => {
    const { client, socket } = await connected();
    const closes: SignalingCloseInfo[] = [];
    client.on('close', (info) => closes.push(info));
    const pending = client.request({ type: 'ping' });
    socket.serverCloses(1011);
    await assert.rejects(pending, { code: 'connection_closed' });
    client.close();
    assert.deepEqual(closes, [{ code: 1011, reason: '', byClient: false }]);
    assert.equal(client.isOpen, false);
    await assert.rejects(client.request({ type: 'ping' }), { code: 'connection_closed' });
    assert.equal(client.send({ type: 'trickle', target: 'publisher', candidate: null }), false);
  });

  test('connect fails with connection_failed when the socket closes before opening', async () => {
    let socket: FakeSocket | undefined;
    const client = new SignalingClient({
      url: 'ws://conclave.test/api/signal',
      createSocket: (url, protocol) => (socket = new FakeSocket(url, protocol)),
    });
    const opening = client.connect();
    socket?.serverCloses(1006);
    await assert.rejects(
      opening,
      (err: unknown) => err instanceof ConclaveError && err.code === 'connection_failed',
    );
  });

  test('close() while the socket opens settles connect at once with connection_closed', async () => {
    let socket: FakeSocket | undefined;
    const client = new SignalingClient({
      url: 'ws://conclave.test/api/signal',
      createSocket: (url, protocol) => (socket = new FakeSocket(url, protocol)),
    });
    const closes: SignalingCloseInfo[] = [];
    client.on('close', (info) => closes.push(info));
    const opening = client.connect();
    client.close();
    await assert.rejects(opening, { code: 'connection_closed' });
    assert.equal(socket?.readyState, 3);
    assert.deepEqual(closes, [{ code: 1000, reason: '', byClient: true }]);
  });

  test('a server that accepts another subprotocol is refused', async () => {
    let socket: FakeSocket | undefined;
    const client = new SignalingClient({
      url: 'ws://conclave.test/api/signal',
      createSocket: (url, protocol) => (socket = new FakeSocket(url, protocol)),
    });
    const opening = client.connect();
    socket?.open('conclave.v0');
    await assert.rejects(opening, { code: 'protocol_error' });
  });

  test('pings keep a live server connected and detect a dead one', async () => {
    const { client, socket } = await connected({ pingIntervalMs: 15, pingTimeoutMs: 30 });
    const closed = new Promise<SignalingCloseInfo>((resolve) => client.once('close', resolve));
    // Answer the first ping, then go silent.
    await new Promise((r) => setTimeout(r, 20));
    const ping = socket.sent.find((m) => m.type === 'ping');
    assert.ok(ping, 'a ping was sent');
    socket.serverSends({ type: 'pong', rid: String(ping.rid) });
    const info = await closed;
    assert.equal(info.byClient, false);
    assert.equal(info.code, 4001);
    assert.ok(socket.sent.filter((m) => m.type === 'ping').length >= 2);
    assert.equal(client.isOpen, false);
  });
});
