/// <reference types="node" />
import { describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Room } from '../src/room';
import { eventually, FakeServer, participantInfo, type FakeServerSocket } from './support/fake-server';
import {
  fakeTrack,
  FakePeerConnection,
  publisherConnection,
  subscriberConnection,
} from './support/fake-webrtc';
import { recordEvents, roomTests } from './support/rooms';

const { joinRoom, knock } = roomTests();

/** A meeting on a server that can resume participations, with Ann sending her camera. */
async function inMeetingWithAnn(options: { resumable?: boolean } = {}) {
  const server = new FakeServer();
  server.resumable = options.resumable ?? true;
  server.others = [participantInfo('p-ann', 'Ann', { camera: 'on' })];
  const microphone = fakeTrack('audio');
  const room = await joinRoom(server, { microphone: { track: microphone } });
  const publisher = publisherConnection();
  const subscriber = subscriberConnection();
  assert.ok(publisher && subscriber);
  const ann = room.remoteParticipants.get('p-ann');
  const annCamera = ann?.getPublication('camera')?.track;
  assert.ok(ann && annCamera);
  return { server, room, microphone, publisher, subscriber, ann, annCamera, log: recordEvents(room) };
}

function socketAt(server: FakeServer, i: number): FakeServerSocket {
  const socket = server.sockets[i];
  if (!socket) throw new Error(`No socket ${i}`);
  return socket;
}

/** Under fake timers: lets `ms` pass, 10 ms at a time, with what each step sets off. */
async function advance(ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 10) {
    mock.timers.tick(10);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Under fake timers: lets time pass until `check` holds (at most a minute of it). */
async function advanceUntil(check: () => boolean, what: string): Promise<void> {
  for (let elapsed = 0; !check(); elapsed += 10) {
    if (elapsed > 60_000) throw new Error(`Never ${what}`);
    await advance(10);
  }
}

describe('Room: the signaling socket drops and the participation is resumed (NET-SCALE)', () => {
  test('NET-SCALE: a session whose socket drops resumes on a new socket with its participant id and keeps both peer connections', async () => {
    const { server, room, microphone, publisher, subscriber, ann, annCamera, log } = await inMeetingWithAnn();
    const connectionsBefore = FakePeerConnection.created.length;
    // Bo arrives while this client has no socket: the resumed roster brings him.
    const bo = participantInfo('p-bo', 'Bo');

    server.socket.drop();
    server.others = [...server.others, bo];
    assert.equal(room.state, 'reconnecting', 'MEET-RECONNECT: "Reconnecting…" while the socket is resumed');
    await eventually(() => room.remoteParticipants.has('p-bo'), 'Bo is in the resumed roster');
    await eventually(() => room.state === 'connected', 'connected again by itself');

    assert.equal(server.sockets.length, 2);
    assert.deepEqual(socketAt(server, 1).sent('join'), [
      {
        type: 'join',
        meetingId: 'meeting-1',
        resume: { participantId: 'self-1', token: 'resume-token-of-self-1' },
      },
    ]);
    assert.equal(room.localParticipant.id, 'self-1');
    assert.deepEqual(
      log,
      ['state:reconnecting', 'joined:p-bo', 'state:connected'],
      'nobody left, no track went',
    );
    assert.deepEqual(room.recoveries, { iceRestarts: 0, resumes: 1, rejoins: 0 });
    assert.equal(room.remoteParticipants.get('p-ann'), ann);
    assert.equal(ann.getPublication('camera')?.track, annCamera, "Ann's camera keeps showing");
    assert.ok(!publisher.closed && !subscriber.closed, 'both peer connections stay');
    assert.equal(FakePeerConnection.created.length, connectionsBefore, 'and no new one is made');
    assert.deepEqual(publisher.sending, [microphone, null]);
    assert.equal(socketAt(server, 1).sent('publish').length, 0, 'nothing is published again');

    const mutesBefore = socketAt(server, 0).sent('setMute').length;
    await room.setMicrophoneEnabled(false);
    assert.deepEqual(socketAt(server, 1).sent('setMute'), [
      { type: 'setMute', source: 'microphone', muted: true },
    ]);
    assert.equal(socketAt(server, 0).sent('setMute').length, mutesBefore, 'nothing goes to the old socket');
  });

  test('NET-SCALE: what the room asks while the socket is down goes over the new one, and an offer the server sends again is answered', async () => {
    const { server, room, subscriber, log } = await inMeetingWithAnn();

    server.socket.drop();
    const muting = room.setMicrophoneEnabled(false);
    await eventually(() => server.sockets[1]?.sent('setMute').length === 1, 'the mute went out');
    await muting;
    const socket = socketAt(server, 1);
    assert.deepEqual(socket.order('join', 'setMute'), ['join', 'setMute']);

    // The server offers again what it had no answer to when the old node died.
    socket.push(socket.subscriptionOffer(server.others));
    await eventually(() => socket.sent('subscriptionAnswer').length === 1, 'the offer is answered');
    assert.equal(subscriberConnection(), subscriber, 'on the same connection');
    assert.equal(room.state, 'connected');
    assert.ok(!log.some((e) => e.startsWith('error:')), log.join(' '));
    assert.deepEqual(
      log.filter((e) => e.startsWith('state:')),
      ['state:reconnecting', 'state:connected'],
    );
  });

  test('NET-SCALE: a guest who joined by name resumes as the guest of the token the server issued', async () => {
    const server = new FakeServer();
    server.resumable = true;
    const room = await joinRoom(server, { displayName: 'Gina' });

    server.socket.drop();
    server.others = [participantInfo('p-ann', 'Ann')];
    await eventually(() => room.remoteParticipants.has('p-ann'), 'resumed, with Ann who came meanwhile');
    assert.deepEqual(socketAt(server, 1).sent('join'), [
      {
        type: 'join',
        meetingId: 'meeting-1',
        guestToken: 'token-for-Gina',
        resume: { participantId: 'self-1', token: 'resume-token-of-self-1' },
      },
    ]);
    assert.equal(room.state, 'connected');
    assert.equal(room.localParticipant.displayName, 'Gina');
  });

  test('NET-SCALE: a resume refused with resume_failed falls back to one fresh join', async () => {
    const { server, room, log } = await inMeetingWithAnn();
    server.refuseResume = { code: 'resume_failed', message: 'No such participation' };

    server.socket.drop();
    assert.equal(room.state, 'reconnecting', 'resuming first');
    await eventually(() => room.state === 'connected' && server.sockets.length === 3, 'joined afresh', 3000);
    await eventually(() => log.includes('subscribed:p-ann/camera'), "Ann's camera is back");

    assert.equal(socketAt(server, 1).sent('join')[0]?.resume?.participantId, 'self-1');
    const fresh = socketAt(server, 2).sent('join');
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0]?.resume, undefined, 'a fresh join');
    assert.equal(room.localParticipant.id, 'self-2');
    assert.deepEqual(
      log.filter((e) => e.startsWith('state:') || e.startsWith('disconnected')),
      ['state:reconnecting', 'state:connected'],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.sockets.length, 3, 'no other attempt');
  });

  test('NET-SCALE, MEET-RECONNECT: when no new socket takes the participation up within about 30 s (longer than the server keeps it), the room joins afresh', async () => {
    // Fake timers from the start: a real timer made before would not be cleared while they are on.
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    try {
      const server = new FakeServer();
      server.resumable = true;
      const joining: { room?: Room } = {};
      void joinRoom(server).then((room) => (joining.room = room));
      await advanceUntil(() => joining.room !== undefined, 'joined');
      const room = joining.room;
      assert.ok(room);
      const publisher = publisherConnection();
      assert.ok(publisher);
      const log = recordEvents(room);

      server.reachable = false;
      server.socket.drop();
      await advance(29_000);
      assert.equal(room.state, 'reconnecting', 'still resuming');
      assert.ok(!publisher.closed);
      const attempts = server.sockets.length - 1;
      assert.ok(attempts > 3, `tried again and again (${attempts})`);

      await advance(1_000);
      assert.equal(room.state, 'reconnecting', 'given up: the session is lost');
      assert.ok(publisher.closed);
      server.reachable = true;
      await advanceUntil(() => room.state === 'connected', 'rejoined');
      const joins = server.sockets.flatMap((socket) => socket.sent('join'));
      assert.equal(joins.length, 2, 'no socket could take the resume: the first join, then one fresh one');
      assert.equal(joins[1]?.resume, undefined);
      assert.equal(room.localParticipant.id, 'self-2');
      assert.deepEqual(log, ['state:reconnecting', 'state:connected']);
    } finally {
      mock.timers.reset();
    }
  });

  test('NET-SCALE: without a resume token a dropped socket is rejoined afresh, as before', async () => {
    const { server, room, publisher } = await inMeetingWithAnn({ resumable: false });

    server.socket.drop();
    assert.equal(room.state, 'reconnecting');
    assert.ok(publisher.closed);
    await eventually(() => room.state === 'connected', 'rejoined', 3000);
    assert.equal(server.sockets.length, 2);
    assert.equal(server.socket.sent('join')[0]?.resume, undefined);
  });

  test('NET-SCALE: an unsolicited joined with resumed resets the roster and leaves the peer connections alone', async () => {
    const { server, room, publisher, subscriber, ann, annCamera, log } = await inMeetingWithAnn();
    const cy = participantInfo('p-cy', 'Cy', { microphone: 'on' });
    const connectionsBefore = FakePeerConnection.created.length;

    server.others = [...server.others, cy];
    server.socket.push(server.resumedJoined('self-1'));

    assert.deepEqual(log, ['joined:p-cy']);
    assert.equal(room.remoteParticipants.get('p-ann'), ann);
    assert.equal(ann.getPublication('camera')?.track, annCamera);
    assert.ok(!publisher.closed && !subscriber.closed);
    assert.equal(FakePeerConnection.created.length, connectionsBefore);
    assert.equal(server.sockets.length, 1);
    assert.equal(server.socket.sent('publish').length, 1, 'nothing is published again');

    // Ann left while the meeting moved: the next such roster says so.
    server.others = [cy];
    server.socket.push(server.resumedJoined('self-1'));
    assert.deepEqual(log, ['joined:p-cy', 'unsubscribed:p-ann/camera', 'left:p-ann:left']);
    assert.equal(room.state, 'connected');
  });

  test('NET-SCALE: a server that ends the participation is not resumed: removed ends the room, server_shutdown rejoins afresh', async () => {
    const removed = await inMeetingWithAnn();
    removed.server.socket.end('removed', 'A moderator removed you');
    assert.equal(removed.room.state, 'disconnected');

    const shutdown = await inMeetingWithAnn();
    shutdown.server.socket.end('server_shutdown', 'Restarting');
    assert.equal(shutdown.room.state, 'reconnecting');
    await eventually(() => shutdown.room.state === 'connected', 'rejoined', 3000);

    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(removed.server.sockets.length, 1, 'no resume after removed');
    assert.equal(shutdown.server.sockets.length, 2, 'one fresh join after server_shutdown');
    assert.equal(shutdown.server.socket.sent('join')[0]?.resume, undefined);
  });

  test('NET-SCALE, MEET-LOBBY: a wait in the lobby whose socket drops goes on on a new socket, as the guest the server named; the admission arrives there', async () => {
    const server = new FakeServer();
    server.resumable = true;
    const { room, log, connecting } = await knock(server, 'Gina');

    server.socket.drop();
    await eventually(() => server.sockets.length === 2 && server.socket.sent('join').length === 1, 'resumed');
    assert.deepEqual(server.socket.sent('join'), [
      {
        type: 'join',
        meetingId: 'meeting-1',
        guestToken: 'token-for-Gina',
        resume: { participantId: 'self-1', token: 'resume-token-of-self-1' },
      },
    ]);
    assert.equal(room.state, 'waiting', 'still waiting');

    server.admitFromLobby(socketAt(server, 1));
    await connecting;
    assert.equal(room.state, 'connected');
    assert.equal(room.localParticipant.id, 'self-1');
    assert.deepEqual(
      log.filter((e) => e.startsWith('state:')),
      ['state:connecting', 'state:waiting', 'state:connected'],
      'no reconnecting on the way',
    );
  });
});
