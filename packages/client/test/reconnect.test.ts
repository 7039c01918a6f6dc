/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DisconnectedReason } from '@conclave/protocol';
import { ConclaveError, SignalingError } from '../src/errors';
import { ReconnectPolicy, type ReconnectStep } from '../src/reconnect';
import { eventually, FakeServer, participantInfo, SIGNALING_URL } from './support/fake-server';
import { fakeTrack, publisherConnection, subscriberConnection } from './support/fake-webrtc';
import { recordEvents, roomTests } from './support/rooms';

const FINAL_REASONS = ['removed', 'replaced', 'meeting_ended', 'session_ended'] as const;

function policyAt(giveUpAfterMs = 60_000) {
  const clock = { now: 1_000_000 };
  const policy = new ReconnectPolicy({ giveUpAfterMs, now: () => clock.now });
  return { policy, clock };
}

const dropped = new ConclaveError('connection_failed', 'Could not reach the meeting server');
const retry = (delayMs: number): ReconnectStep => ({ kind: 'retry', delayMs });

describe('ReconnectPolicy', () => {
  test('MEET-RECONNECT: rejoins 250 ms after a loss, then backs off 0.5, 1, 2, 4 and at most 5 s', () => {
    const { policy, clock } = policyAt();
    const delays: number[] = [];
    let step = policy.lost(null);
    while (step.kind === 'retry' && delays.length < 8) {
      delays.push(step.delayMs);
      clock.now += step.delayMs;
      step = policy.failed(dropped, null);
    }
    assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  test('MEET-RECONNECT: gives up as connection_lost once the next attempt would start after the deadline', () => {
    const { policy, clock } = policyAt(10_000);
    let step = policy.lost(null);
    const attempts: number[] = [];
    const start = clock.now;
    while (step.kind === 'retry') {
      clock.now += step.delayMs;
      attempts.push(clock.now - start);
      step = policy.failed(dropped, null);
    }
    // 250, 750, 1750, 3750, 7750 ms; the next would be at 12 750 ms, past the 10 s deadline.
    assert.deepEqual(attempts, [250, 750, 1750, 3750, 7750]);
    assert.equal(step.reason, 'connection_lost');
    assert.equal(step.error.code, 'connection_failed');
  });

  test('MEET-RECONNECT: a new loss gets a full new deadline', () => {
    const { policy, clock } = policyAt(1000);
    policy.lost(null);
    clock.now += 250;
    assert.deepEqual(policy.failed(dropped, null), retry(500));
    clock.now += 60_000; // rejoined, and in the meeting for a minute
    assert.deepEqual(policy.lost(null), retry(250));
    clock.now += 250;
    assert.deepEqual(policy.failed(dropped, null), retry(500));
  });

  test('MEET-RECONNECT: a silent drop, a server restart and a media failure are rejoined', () => {
    const { policy } = policyAt();
    const reasons: (DisconnectedReason | null)[] = [null, 'server_shutdown', 'media_failure', 'disconnected'];
    for (const reason of reasons) {
      assert.deepEqual(policy.lost(reason && { reason, message: '' }), retry(250), String(reason));
    }
  });

  test('removed, replaced, meeting_ended and session_ended end the room, also when said during a rejoin', () => {
    const { policy } = policyAt();
    for (const reason of FINAL_REASONS) {
      const lost = policy.lost({ reason, message: 'Bye' });
      assert.equal(lost.kind === 'end' && lost.reason, reason);
      assert.equal(lost.kind === 'end' && lost.error.message, 'Bye');

      policy.lost(null);
      const failed = policy.failed(dropped, { reason, message: '' });
      assert.equal(failed.kind === 'end' && failed.reason, reason);
    }
  });

  test('MEET-PASSCODE: join refusals that retrying cannot fix (a passcode changed meanwhile too) end as join_failed; passing troubles are retried', () => {
    const { policy } = policyAt();
    for (const code of [
      'meeting_not_found',
      'unauthorized',
      'forbidden',
      'passcode_required',
      'passcode_wrong',
    ] as const) {
      policy.lost(null);
      const error = new SignalingError(code, 'No');
      assert.deepEqual(policy.failed(error, null), { kind: 'end', reason: 'join_failed', error }, code);
    }
    for (const error of [
      new SignalingError('media_unavailable', 'Janus is restarting'),
      new ConclaveError('request_timeout', 'No answer'),
      dropped,
    ]) {
      policy.lost(null);
      assert.deepEqual(policy.failed(error, null), retry(500), error.code);
    }
  });
});

describe('Room reconnecting', () => {
  const { joinRoom, newRoom } = roomTests();

  test('MEET-RECONNECT: a dropped socket → reconnecting → rejoined → connected, same people, same local tracks', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { camera: 'on' })];
    const microphone = fakeTrack('audio');
    const room = await joinRoom(server, { microphone: { track: microphone } });
    const ann = room.remoteParticipants.get('p-ann');
    const log = recordEvents(room);

    server.socket.drop();
    assert.equal(room.state, 'reconnecting');
    assert.equal(ann?.getPublication('camera')?.track, null, 'media stops showing until rejoined');
    await eventually(() => room.state === 'connected', 'the room is back', 3000);
    await eventually(() => ann?.getPublication('camera')?.isSubscribed === true, "Ann's camera is back");

    assert.equal(server.sockets.length, 2);
    assert.equal(server.socket.sent('join').length, 1);
    assert.equal(room.localParticipant.id, 'self-2', 'the server gives the rejoined participant a new id');
    assert.equal(room.remoteParticipants.get('p-ann'), ann, 'those still there keep their objects');
    assert.deepEqual(log, [
      'unsubscribed:p-ann/camera',
      'state:reconnecting',
      'state:connected',
      'subscribed:p-ann/camera',
    ]);
    assert.deepEqual(publisherConnection()?.sending, [microphone, null], 'the microphone is published again');
    assert.equal(microphone.readyState, 'live');
  });

  test('IAM-GUEST: a guest who joined by name rejoins with the token the server issued, as the same guest', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server, { displayName: 'Gina' });
    const first = server.socket.sent('join')[0]!;
    assert.equal(first.displayName, 'Gina');
    assert.equal(first.guestToken, undefined);
    assert.equal(room.localParticipant.displayName, 'Gina');

    server.socket.drop();
    await eventually(() => room.state === 'connected', 'the room is back', 3000);
    const again = server.socket.sent('join')[0]!;
    assert.equal(again.guestToken, 'token-for-Gina', 'the rejoin uses the issued token');
    assert.equal(again.displayName, undefined, 'and does not register a second guest');
  });

  test('MEET-RECONNECT: the media server failing, or a media connection failing, makes the room rejoin', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on' })];
    const room = await joinRoom(server);
    const log = recordEvents(room);

    server.socket.end('media_failure', 'The media server failed');
    await eventually(
      () => server.sockets.length === 2 && publisherConnection()?.remoteDescription != null,
      'rejoined and published after the media server failed',
      3000,
    );

    subscriberConnection()?.fail();
    assert.equal(room.state, 'reconnecting');
    await eventually(() => room.state === 'connected', 'rejoined after ICE failed', 3000);

    assert.equal(server.sockets.length, 3);
    assert.deepEqual(
      log.filter((e) => e.startsWith('state:') || e.startsWith('disconnected')),
      ['state:reconnecting', 'state:connected', 'state:reconnecting', 'state:connected'],
    );
  });

  test('MEET-RECONNECT: when the meeting cannot be reached until the deadline, the room ends as connection_lost', async () => {
    const server = new FakeServer();
    const microphone = fakeTrack('audio');
    const room = await joinRoom(server, { microphone: { track: microphone } }, { reconnectTimeoutMs: 1500 });
    const log = recordEvents(room);
    const started = performance.now();

    server.reachable = false;
    server.socket.drop();
    await eventually(() => room.state === 'disconnected', 'the room gave up', 3000);

    // Attempts at about 250 and 750 ms; the next would start at 1750 ms, after the deadline.
    assert.equal(server.sockets.length, 3);
    assert.ok(
      performance.now() - started < 1500,
      'it gives up without waiting for an attempt it would not make',
    );
    assert.deepEqual(log, [
      'state:reconnecting',
      'state:disconnected',
      'disconnected:connection_lost:connection_failed',
    ]);
    assert.equal(microphone.readyState, 'ended', 'the microphone is released');
  });

  for (const reason of FINAL_REASONS) {
    test(`the server ending the participation as ${reason} ends the room without reconnecting`, async () => {
      const server = new FakeServer();
      server.others = [participantInfo('p-ann', 'Ann')];
      const room = await joinRoom(server);
      const log = recordEvents(room);

      server.socket.end(reason, 'You are no longer in the meeting.');
      assert.equal(room.state, 'disconnected');
      assert.deepEqual(log, [
        'left:p-ann:disconnected',
        'state:disconnected',
        `disconnected:${reason}:connection_closed`,
      ]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(server.sockets.length, 1, 'no rejoin');
    });
  }

  for (const [reason, when] of [
    ['session_ended', 'endAtPublish'],
    ['meeting_ended', 'endAtPublish'],
    ['session_ended', 'endAfterPublish'],
    ['meeting_ended', 'endAfterPublish'],
  ] as const) {
    test(`IAM-LOCAL, MEET-CREATE: the server ending the participation as ${reason} while the join still publishes (${when}) ends the room as ${reason}, not join_failed or connected`, async () => {
      const server = new FakeServer();
      server[when] = reason;
      const room = newRoom(server);
      const log = recordEvents(room);
      const joining = room.connect({
        meetingId: 'meeting-1',
        signalingUrl: SIGNALING_URL,
        microphone: { track: fakeTrack('audio') },
        camera: false,
      });
      await assert.rejects(joining);
      assert.equal(room.state, 'disconnected');
      assert.deepEqual(
        log.filter((e) => e.startsWith('state:') || e.startsWith('disconnected')),
        [
          'state:connecting',
          'state:connected',
          'state:disconnected',
          `disconnected:${reason}:connection_closed`,
        ],
      );
      assert.equal(server.sockets.length, 1, 'no rejoin');
    });
  }

  test('a final join error while rejoining (meeting_not_found) ends the room as join_failed', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    const log = recordEvents(room);

    server.refuseJoin = { code: 'meeting_not_found', message: 'The meeting was deleted' };
    server.socket.drop();
    await eventually(() => room.state === 'disconnected', 'the room ended', 3000);

    assert.equal(server.sockets.length, 2, 'one attempt, no retry');
    assert.deepEqual(log, [
      'state:reconnecting',
      'state:disconnected',
      'disconnected:join_failed:meeting_not_found',
    ]);
  });
});
