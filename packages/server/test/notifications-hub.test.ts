import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import { NotificationHub } from '../src/notifications/hub';

/** What the hub uses of a ws socket, recorded. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  sent: string[] = [];
  pings = 0;
  closedWith: number | null = null;
  terminated = false;
  send(text: string) {
    this.sent.push(text);
  }
  ping() {
    this.pings++;
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
}

const add = (hub: NotificationHub, userId: string, sessionId: string) => {
  const socket = new FakeSocket();
  hub.add(socket as unknown as WebSocket, userId, sessionId);
  return socket;
};
const missed = {
  type: 'callEnded',
  callId: '0190a0a0-0000-7000-8000-000000000001',
  reason: 'missed',
} as const;

test('MEET-CALL: a notification reaches every socket of its user and nobody else’s', () => {
  const hub = new NotificationHub(5);
  const laptop = add(hub, 'bob', 's1');
  const phone = add(hub, 'bob', 's2');
  const carol = add(hub, 'carol', 's3');
  hub.deliver('bob', missed);
  assert.deepEqual(
    laptop.sent.map((t) => JSON.parse(t) as unknown),
    [missed],
  );
  assert.equal(phone.sent.length, 1);
  assert.equal(carol.sent.length, 0);
});

test('MEET-CALL: sockets per user are bounded, and a closed one frees its place', () => {
  const hub = new NotificationHub(2);
  const first = add(hub, 'bob', 's1');
  add(hub, 'bob', 's1');
  assert.equal(hub.hasRoomFor('bob'), false);
  assert.equal(hub.hasRoomFor('carol'), true);
  first.close(1000);
  assert.equal(hub.hasRoomFor('bob'), true);
});

test('MEET-CALL: a sign-out closes only that session’s sockets, with the signed-out code', () => {
  const hub = new NotificationHub(5);
  const out = add(hub, 'bob', 's1');
  const still = add(hub, 'bob', 's2');
  hub.endSession('s1');
  assert.equal(out.closedWith, 4001);
  assert.equal(still.closedWith, null);
});

test('MEET-CALL: a socket that misses two pongs in a row is cut off; one that answers stays', () => {
  const hub = new NotificationHub(5);
  const silent = add(hub, 'bob', 's1');
  const alive = add(hub, 'carol', 's2');
  for (let i = 0; i < 3; i++) {
    hub.heartbeat();
    alive.emit('pong');
  }
  assert.equal(silent.terminated, true);
  assert.equal(alive.terminated, false);
  assert.ok(alive.pings >= 3);
});
