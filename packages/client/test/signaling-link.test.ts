/// <reference types="node" />
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessage, ServerMessageOf } from '@conclave/protocol';
import type { ResumeJoin } from '../src/resume';
import type { SignalingCloseInfo } from '../src/signaling';
import { SignalingLink } from '../src/signaling-link';
import { FakeSocket } from './support/fake-socket';

const URL = 'ws://conclave.test/api/signal';
const REQUEST_TIMEOUT_MS = 2_000;
const JOIN: ResumeJoin = {
  type: 'join',
  meetingId: 'meeting-1',
  guestToken: 'guest-token',
  resume: { participantId: 'p-me', token: 'resume-token-of-p-me' },
};

function resumedJoined(rid: string): ServerMessageOf<'joined'> {
  return {
    type: 'joined',
    rid,
    participantId: 'p-me',
    meeting: { id: 'meeting-1', name: 'Weekly sync' },
    participants: [],
    iceServers: [],
    resumeToken: 'resume-token-of-p-me',
    resumed: true,
  };
}

/** Lets timers that are due run, then the promise continuations they started. */
async function advance(ms: number): Promise<void> {
  await settle();
  for (let elapsed = 0; elapsed < ms; elapsed += 50) {
    mock.timers.tick(Math.min(50, ms - elapsed));
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A link whose first socket is open, told how to resume; each socket it opens is recorded with when. */
async function liveLink(options: { resumable?: boolean; refuseNew?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const openedAt: number[] = [];
  const link = new SignalingLink({
    url: URL,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    createSocket: (url, protocol) => {
      const socket = new FakeSocket(url, protocol);
      sockets.push(socket);
      openedAt.push(Date.now());
      // As while the balancer still sends new sockets to the dead node.
      if (options.refuseNew && sockets.length > 1) queueMicrotask(() => socket.serverCloses(1006));
      return socket;
    },
  });
  const opening = link.connect();
  sockets[0]?.open();
  await opening;
  if (options.resumable ?? true) link.resumeWith(JOIN);
  const closes: SignalingCloseInfo[] = [];
  const resumed: ServerMessageOf<'joined' | 'waiting'>[] = [];
  const messages: ServerMessage[] = [];
  link.on('close', (info) => closes.push(info));
  link.on('resumed', (joined) => resumed.push(joined));
  link.on('message', (message) => messages.push(message));
  const socket = (i: number): FakeSocket => {
    const s = sockets[i];
    if (!s) throw new Error(`No socket ${i}`);
    return s;
  };
  return { link, sockets, socket, openedAt, closes, resumed, messages, start: Date.now() };
}

function withoutRid(message: Record<string, unknown> | undefined): Record<string, unknown> {
  const { rid: _rid, ...rest } = message ?? {};
  return rest;
}

describe('SignalingLink', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('NET-SCALE: a dropped socket is resumed on a new one; what was sent meanwhile goes over it after the resume join', async () => {
    const { link, socket, closes, resumed, messages } = await liveLink();

    socket(0).serverCloses(1006);
    assert.equal(link.isOpen, false);
    const mute = link.request({ type: 'setMute', source: 'microphone', muted: true });
    assert.equal(link.send({ type: 'e2eeReady', epoch: 3 }), true, 'E2EE traffic waits for the new socket');
    assert.equal(
      link.send({ type: 'trickle', target: 'publisher', candidate: null }),
      true,
      'candidates wait too (a connection may be restarting ICE meanwhile)',
    );
    await assert.rejects(link.request({ type: 'subscriptionAnswer', sdp: 'v=0' }), {
      code: 'connection_closed',
    });

    await advance(100);
    socket(1).open();
    await advance(0);
    assert.deepEqual(withoutRid(socket(1).sent[0]), JOIN);
    assert.equal(socket(1).sent.length, 1, 'nothing before the participation is taken up');

    socket(1).serverSends(resumedJoined(String(socket(1).sent[0]?.rid)));
    await advance(0);
    assert.equal(resumed.length, 1);
    assert.equal(link.isOpen, true);
    assert.deepEqual(
      socket(1).sent.map((m) => m.type),
      ['join', 'setMute', 'e2eeReady', 'trickle'],
    );
    socket(1).serverSends({ type: 'ack', rid: String(socket(1).sent[1]?.rid) });
    assert.equal((await mute).type, 'ack');

    socket(1).serverSends({ type: 'participantLeft', participantId: 'p-ann', reason: 'left' });
    assert.deepEqual(
      messages.map((m) => m.type),
      ['participantLeft'],
    );
    assert.deepEqual(closes, []);
  });

  test('NET-SCALE, MEET-RECONNECT: attempts follow after 100, 250 and 500 ms, then every second, and stop within 30 s: the link closes', async () => {
    const { link, sockets, socket, openedAt, closes, start } = await liveLink({ refuseNew: true });

    socket(0).serverCloses(1006);
    const mute = assert.rejects(link.request({ type: 'setMute', source: 'camera', muted: false }), {
      code: 'connection_closed',
    });
    await advance(29_800);
    assert.deepEqual(closes, [], 'still trying');
    await advance(100);

    const everySecond = Array.from({ length: 29 }, (_, i) => 1850 + i * 1000);
    assert.deepEqual(
      openedAt.slice(1).map((at) => at - start),
      [100, 350, 850, ...everySecond],
    );
    assert.deepEqual(closes, [{ code: 1006, reason: '', byClient: false }], 'closed as the socket was lost');
    await mute;
    await advance(2_000);
    assert.equal(sockets.length, 33, 'no attempt after that');
  });

  test('NET-SCALE: an attempt is bounded by the request timeout, and a socket that drops while resuming is tried again', async () => {
    const { socket, openedAt, resumed, closes, start } = await liveLink();

    socket(0).serverCloses(1006);
    await advance(100);
    socket(1).open();
    await advance(REQUEST_TIMEOUT_MS);
    assert.equal(socket(1).readyState, 3, 'the unanswered attempt is given up');
    await advance(250);
    socket(2).open();
    await advance(0);
    socket(2).serverCloses(1006);
    await advance(500);
    socket(3).open();
    await advance(0);
    socket(3).serverSends(resumedJoined(socket(3).lastRid()));
    await advance(0);

    assert.deepEqual(
      openedAt.slice(1).map((at) => at - start),
      [100, 100 + REQUEST_TIMEOUT_MS + 250, 100 + REQUEST_TIMEOUT_MS + 750],
    );
    assert.equal(resumed.length, 1);
    assert.deepEqual(closes, []);
  });

  test('NET-SCALE: a refused resume (resume_failed) ends resuming at once: the link closes and what waited is refused', async () => {
    const { link, sockets, socket, resumed, closes } = await liveLink();

    socket(0).serverCloses(1006);
    const mute = assert.rejects(link.request({ type: 'setMute', source: 'camera', muted: true }), {
      code: 'connection_closed',
    });
    await advance(100);
    socket(1).open();
    await advance(0);
    socket(1).serverSends({
      type: 'error',
      rid: socket(1).lastRid(),
      code: 'resume_failed',
      message: 'No such participation',
    });
    await advance(0);

    assert.equal(closes.length, 1);
    assert.equal(resumed.length, 0);
    await mute;
    assert.deepEqual(
      socket(1).sent.map((m) => m.type),
      ['join'],
    );
    await advance(3_000);
    assert.equal(sockets.length, 2, 'no attempt after a refusal');
  });

  test('NET-SCALE: a wait in the lobby is resumed too: the server answers with waiting, resumed', async () => {
    const { link, socket, resumed, closes } = await liveLink();

    socket(0).serverCloses(1006);
    await advance(100);
    socket(1).open();
    await advance(0);
    socket(1).serverSends({
      type: 'waiting',
      rid: socket(1).lastRid(),
      participantId: 'p-me',
      meeting: { id: 'meeting-1', name: 'Weekly sync' },
      resumeToken: 'resume-token-of-p-me',
      resumed: true,
    });
    await advance(0);

    assert.deepEqual(
      resumed.map((r) => r.type),
      ['waiting'],
    );
    assert.equal(link.isOpen, true);
    assert.deepEqual(closes, []);
  });

  test('NET-SCALE: a joined that is not the same participation resumed counts as a refusal', async () => {
    const { sockets, socket, resumed, closes } = await liveLink();

    socket(0).serverCloses(1006);
    await advance(100);
    socket(1).open();
    await advance(0);
    socket(1).serverSends({ ...resumedJoined(socket(1).lastRid()), participantId: 'p-someone-else' });
    await advance(3_000);

    assert.equal(closes.length, 1);
    assert.equal(resumed.length, 0);
    assert.equal(sockets.length, 2);
  });

  test('NET-SCALE: a socket the server ended with disconnected, closed by the client, or without a resume token, is not resumed', async () => {
    const ended = await liveLink();
    ended.socket(0).serverSends({ type: 'disconnected', reason: 'server_shutdown', message: '' });
    ended.socket(0).serverCloses(1001);

    const closedHere = await liveLink();
    closedHere.link.close();

    const noToken = await liveLink({ resumable: false });
    noToken.socket(0).serverCloses(1006);

    const tokenWithdrawn = await liveLink();
    tokenWithdrawn.link.resumeWith(null);
    tokenWithdrawn.socket(0).serverCloses(1006);

    await advance(1_000);
    for (const [name, link] of Object.entries({ ended, closedHere, noToken, tokenWithdrawn })) {
      assert.equal(link.closes.length, 1, name);
      assert.equal(link.sockets.length, 1, name);
    }
  });

  test('NET-SCALE: closing the link while it resumes stops trying and closes the socket being opened', async () => {
    const { link, sockets, socket, closes } = await liveLink();

    socket(0).serverCloses(1006);
    await advance(100);
    link.close();
    await advance(0);

    assert.deepEqual(closes, [{ code: 1000, reason: '', byClient: true }]);
    assert.equal(socket(1).readyState, 3);
    await advance(3_000);
    assert.equal(sockets.length, 2);
  });
});
