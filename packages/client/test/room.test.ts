/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignalingError } from '../src/errors';
import { eventually, FakeServer, participantInfo, SIGNALING_URL } from './support/fake-server';
import {
  fakeTrack,
  FakePeerConnection,
  HOST_CANDIDATE,
  publisherConnection,
  subscriberConnection,
} from './support/fake-webrtc';
import { recordEvents, roomTests } from './support/rooms';

const { newRoom, joinRoom } = roomTests();

describe('Room: joining and the roster', () => {
  test('IAM-GUEST: a guest joins with its token; the others in the roster appear with their tracks', async () => {
    const server = new FakeServer();
    server.others = [
      participantInfo('p-ann', 'Ann', { microphone: 'on', camera: 'muted' }),
      participantInfo('p-bo', 'Bo'),
    ];
    const room = newRoom(server);
    const log = recordEvents(room);
    await room.connect({
      meetingId: 'meeting-1',
      guestToken: 'guest-token',
      signalingUrl: SIGNALING_URL,
      microphone: false,
      camera: false,
    });

    assert.deepEqual(server.socket.sent('join'), [
      { type: 'join', meetingId: 'meeting-1', guestToken: 'guest-token' },
    ]);
    assert.equal(room.state, 'connected');
    assert.deepEqual(room.meeting, { id: 'meeting-1', name: 'Weekly sync' });
    assert.equal(room.localParticipant.id, 'self-1');
    assert.equal(room.localParticipant.kind, 'guest');
    assert.deepEqual(
      room.participants.map((p) => p.id),
      ['self-1', 'p-ann', 'p-bo'],
    );
    const ann = room.remoteParticipants.get('p-ann');
    assert.equal(ann?.displayName, 'Ann');
    assert.equal(ann?.isMicrophoneEnabled, true);
    assert.equal(ann?.isCameraEnabled, false);
    assert.deepEqual(room.remoteParticipants.get('p-bo')?.trackPublications, []);
    // Those already there are the roster, not arrivals.
    assert.deepEqual(
      log.filter((e) => e.startsWith('joined:')),
      [],
    );
    assert.deepEqual(log.slice(0, 2), ['state:connecting', 'state:connected']);
  });

  test('participantJoined, participantUpdated and participantLeft keep the remote participants current', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    const log = recordEvents(room);
    const cy = participantInfo('p-cy', 'Cy', { microphone: 'on' });

    server.socket.push({ type: 'participantJoined', participant: cy });
    assert.equal(room.remoteParticipants.get('p-cy')?.displayName, 'Cy');
    assert.equal(room.remoteParticipants.get('p-cy')?.isMicrophoneEnabled, true);

    server.socket.push({
      type: 'participantUpdated',
      participant: participantInfo('p-cy', 'Cy Lee', { microphone: 'muted', camera: 'on' }),
    });
    const updated = room.remoteParticipants.get('p-cy');
    assert.equal(updated?.displayName, 'Cy Lee');
    assert.equal(updated?.isMicrophoneEnabled, false);
    assert.equal(updated?.isCameraEnabled, true);

    server.socket.push({ type: 'participantLeft', participantId: 'p-cy', reason: 'removed' });
    assert.equal(room.remoteParticipants.has('p-cy'), false);
    assert.deepEqual(log, ['joined:p-cy', 'muted:p-cy/microphone', 'updated:p-cy', 'left:p-cy:removed']);
  });

  test('a join refused with meeting_not_found rejects connect with that code and ends as join_failed', async () => {
    const server = new FakeServer();
    server.refuseJoin = { code: 'meeting_not_found', message: 'This meeting does not exist' };
    const room = newRoom(server);
    const log = recordEvents(room);
    const microphone = fakeTrack('audio');

    await assert.rejects(
      room.connect({ meetingId: 'gone', signalingUrl: SIGNALING_URL, microphone: { track: microphone } }),
      (err) => err instanceof SignalingError && err.code === 'meeting_not_found',
    );
    assert.equal(room.state, 'disconnected');
    assert.equal(log.at(-1), 'disconnected:join_failed:meeting_not_found');
    assert.equal(microphone.readyState, 'ended', 'the microphone handed to connect() is released');
    assert.equal(server.socket.readyState, 3);
  });
});

describe('Room: receiving', () => {
  test("a subscription offer is answered and each stream becomes its participant's publication", async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on', camera: 'on' })];
    const room = newRoom(server);
    const log = recordEvents(room);
    await room.connect({
      meetingId: 'meeting-1',
      signalingUrl: SIGNALING_URL,
      microphone: false,
      camera: false,
    });

    assert.equal(server.socket.sent('subscriptionAnswer').length, 1);
    assert.deepEqual(
      log.filter((e) => e.startsWith('subscribed:')),
      ['subscribed:p-ann/microphone', 'subscribed:p-ann/camera'],
    );
    const camera = room.remoteParticipants.get('p-ann')?.getPublication('camera');
    const section = subscriberConnection()
      ?.getTransceivers()
      .find((t) => t.mid === camera?.mid);
    assert.ok(camera?.isSubscribed);
    assert.equal(camera.track?.kind, 'video');
    assert.equal(
      camera.track,
      section?.receiver.track,
      "the camera's track is the one its media section receives",
    );

    // Bo arrives and publishes: the next offer lists both; Bo leaves again.
    const bo = participantInfo('p-bo', 'Bo', { camera: 'on' });
    server.socket.push({ type: 'participantJoined', participant: bo });
    server.socket.push(server.socket.subscriptionOffer([...server.others, bo]));
    await eventually(() => log.includes('subscribed:p-bo/camera'), "Bo's camera is subscribed");
    assert.equal(server.socket.sent('subscriptionAnswer').length, 2);
    assert.equal(room.remoteParticipants.get('p-bo')?.getPublication('camera')?.track?.kind, 'video');

    server.socket.push({ type: 'participantLeft', participantId: 'p-bo', reason: 'left' });
    assert.deepEqual(log.slice(-2), ['unsubscribed:p-bo/camera', 'left:p-bo:left']);
  });

  test("a stream that arrives before its participant's roster entry is shown once the entry arrives", async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    const log = recordEvents(room);
    const dee = participantInfo('p-dee', 'Dee', { microphone: 'on' });

    server.socket.push(server.socket.subscriptionOffer([dee]));
    await eventually(() => server.socket.sent('subscriptionAnswer').length === 1, 'the offer is answered');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(log, []);

    server.socket.push({ type: 'participantJoined', participant: dee });
    assert.deepEqual(log, ['joined:p-dee', 'subscribed:p-dee/microphone']);
  });

  test('the first subscription is answered before publishing, so joining shows the others first', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on', camera: 'on' })];
    await joinRoom(server, {
      microphone: { track: fakeTrack('audio') },
      camera: { track: fakeTrack('video') },
    });

    assert.deepEqual(server.socket.order('subscriptionAnswer', 'publish'), ['subscriptionAnswer', 'publish']);
  });
});

describe('Room: sending', () => {
  test('MEET-SELF-MUTE: muting and unmuting swap the sent track and tell the server with setMute', async () => {
    const server = new FakeServer();
    const microphone = fakeTrack('audio');
    const camera = fakeTrack('video');
    const room = await joinRoom(server, { microphone: { track: microphone }, camera: { track: camera } });
    const log = recordEvents(room);
    const publisher = publisherConnection();
    assert.deepEqual(publisher?.sending, [microphone, camera]);

    await room.setMicrophoneEnabled(false);
    assert.deepEqual(server.socket.sent('setMute'), [{ type: 'setMute', source: 'microphone', muted: true }]);
    assert.deepEqual(publisher.sending, [null, camera]);
    assert.equal(room.localParticipant.isMicrophoneEnabled, false);
    assert.equal(microphone.readyState, 'live', 'the microphone stays open (silent) so unmuting is instant');

    await room.setCameraEnabled(false);
    assert.deepEqual(server.socket.sent('setMute').at(-1), {
      type: 'setMute',
      source: 'camera',
      muted: true,
    });
    assert.deepEqual(publisher.sending, [null, null]);
    assert.equal(camera.readyState, 'ended', 'the camera is released');
    assert.equal(room.localParticipant.cameraTrack, null);

    await room.setMicrophoneEnabled(true);
    assert.deepEqual(server.socket.sent('setMute').at(-1), {
      type: 'setMute',
      source: 'microphone',
      muted: false,
    });
    assert.deepEqual(publisher.sending, [microphone, null]);
    assert.equal(microphone.enabled, true);
    assert.deepEqual(
      log.filter((e) => /^(muted|unmuted):/.test(e)),
      ['muted:self/microphone', 'muted:self/camera', 'unmuted:self/microphone'],
    );
    assert.deepEqual(server.socket.sent('publish').length, 1, 'muting never renegotiates');
  });

  test('MEET-SELF-MUTE: a source that starts off is announced muted before publishing', async () => {
    const server = new FakeServer();
    const microphone = fakeTrack('audio');
    const room = await joinRoom(server, { microphone: { track: microphone }, camera: false });

    assert.deepEqual(server.socket.order('setMute', 'publish'), ['setMute', 'publish']);
    assert.deepEqual(server.socket.sent('setMute'), [{ type: 'setMute', source: 'camera', muted: true }]);
    assert.deepEqual(
      server.socket.sent('publish')[0]?.tracks.map((t) => t.source),
      ['microphone', 'camera'],
      'the camera has its media section from the start, for later',
    );
    assert.deepEqual(publisherConnection()?.sending, [microphone, null]);
    assert.equal(room.localParticipant.isCameraEnabled, false);
  });

  test('trickle ICE: local candidates follow the description they belong to; remote ones reach their connection', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on' })];
    await joinRoom(server, { microphone: { track: fakeTrack('audio') } });
    const socket = server.socket;
    await eventually(() => socket.sent('trickle').length === 4, 'both connections sent their candidates');

    const index = (predicate: (m: (typeof socket.received)[number]) => boolean) =>
      socket.received.findIndex(predicate);
    const firstTrickle = (target: string) => index((m) => m.type === 'trickle' && m.target === target);
    assert.ok(index((m) => m.type === 'subscriptionAnswer') < firstTrickle('subscriber'));
    assert.ok(index((m) => m.type === 'publish') < firstTrickle('publisher'));
    assert.deepEqual(
      socket.sent('trickle').filter((m) => m.target === 'publisher'),
      [
        { type: 'trickle', target: 'publisher', candidate: HOST_CANDIDATE },
        { type: 'trickle', target: 'publisher', candidate: null },
      ],
    );

    const remote = {
      candidate: 'candidate:2 1 udp 2122260223 10.77.0.1 20000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    socket.push({ type: 'trickle', target: 'subscriber', candidate: remote });
    socket.push({ type: 'trickle', target: 'publisher', candidate: null });
    await eventually(() => subscriberConnection()?.remoteCandidates.length === 1, 'the subscriber took it');
    assert.deepEqual(subscriberConnection()?.remoteCandidates, [remote]);
    await eventually(() => publisherConnection()?.remoteCandidates.length === 1, 'the publisher took it');
  });
});

describe('Room.prepareConnection', () => {
  test('opens the socket and both peer connections ahead; connect uses them with the ICE servers from joined', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on' })];
    const turn = { urls: ['turn:turn.conclave.test:443?transport=tcp'], username: 'u', credential: 'c' };
    server.iceServers = [turn];
    const room = newRoom(server);
    const before = FakePeerConnection.created.length;

    room.prepareConnection(SIGNALING_URL);
    assert.equal(server.sockets.length, 1);
    const prepared = FakePeerConnection.created.slice(before);
    assert.equal(prepared.length, 2);
    await eventually(() => server.socket.readyState === 1, 'the socket is open');

    await room.connect({
      meetingId: 'meeting-1',
      signalingUrl: SIGNALING_URL,
      microphone: { track: fakeTrack('audio') },
    });
    assert.equal(server.sockets.length, 1, 'no second socket');
    assert.equal(FakePeerConnection.created.length - before, 2, 'no further peer connections');
    assert.equal(prepared[0], publisherConnection(), 'the prepared publishing connection publishes');
    assert.equal(prepared[1], subscriberConnection(), 'the prepared receiving connection receives');
    for (const pc of prepared) assert.deepEqual(pc.configuration.iceServers, [turn]);
  });

  test('NET-TURN: when the organisation relays all media, both connections, prepared or not, gather only relays; forceRelay does so on its own', async () => {
    const turn = { urls: ['turns:turn.conclave.test:443?transport=tcp'], username: 'u', credential: 'c' };
    const joinWith = async (
      policy: 'relay' | undefined,
      options: { forceRelay?: boolean },
      prepare: boolean,
    ) => {
      const server = new FakeServer();
      server.iceServers = [turn];
      server.iceTransportPolicy = policy;
      server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on' })];
      const room = newRoom(server, options);
      const before = FakePeerConnection.created.length;
      if (prepare) room.prepareConnection(SIGNALING_URL);
      await room.connect({
        meetingId: 'meeting-1',
        signalingUrl: SIGNALING_URL,
        microphone: { track: fakeTrack('audio') },
      });
      const made = FakePeerConnection.created.slice(before);
      await room.disconnect();
      return made.map((pc) => pc.configuration.iceTransportPolicy ?? 'all');
    };
    assert.deepEqual(await joinWith('relay', {}, true), ['relay', 'relay']);
    assert.deepEqual((await joinWith('relay', {}, false)).slice(0, 1), ['relay']);
    assert.deepEqual((await joinWith(undefined, { forceRelay: true }, false)).slice(0, 1), ['relay']);
    assert.deepEqual((await joinWith(undefined, {}, false)).slice(0, 1), ['all']);
  });

  test('IAM-GUEST: a prepared socket the server closed (not joined in time) is replaced when prepared again', async () => {
    const server = new FakeServer();
    const room = newRoom(server);
    room.prepareConnection(SIGNALING_URL);
    await eventually(() => server.socket.readyState === 1, 'the socket is open');
    room.prepareConnection(SIGNALING_URL);
    assert.equal(server.sockets.length, 1, 'a usable prepared connection is kept');

    server.socket.drop(); // what the server's join timeout does to an idle socket
    room.prepareConnection(SIGNALING_URL);
    assert.equal(server.sockets.length, 2, 'a closed one is replaced');
    await eventually(() => server.socket.readyState === 1, 'the new socket is open');
    await room.connect({
      meetingId: 'meeting-1',
      signalingUrl: SIGNALING_URL,
      microphone: false,
      camera: false,
    });
    assert.equal(server.sockets.length, 2, 'joining uses the fresh prepared socket');
    assert.equal(server.socket.sent('join').length, 1);
  });

  test('disconnect without joining closes what was prepared', async () => {
    const server = new FakeServer();
    const room = newRoom(server);
    const before = FakePeerConnection.created.length;
    room.prepareConnection(SIGNALING_URL);
    await eventually(() => server.socket.readyState === 1, 'the socket is open');

    await room.disconnect();
    assert.equal(server.socket.readyState, 3);
    assert.ok(FakePeerConnection.created.slice(before).every((pc) => pc.closed));
  });
});
