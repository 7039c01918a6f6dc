/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WaitingInfo } from '@conclave/protocol';
import { eventually, FakeServer, participantInfo } from './support/fake-server';
import { fakeTrack } from './support/fake-webrtc';
import { recordEvents, roomTests } from './support/rooms';

const { joinRoom, knock } = roomTests();

const gina: WaitingInfo = { id: 'w-gina', displayName: 'Gina', kind: 'guest', since: '2026-12-02T10:00:00Z' };

describe('Room: the lobby', () => {
  test('MEET-LOBBY: a join the lobby holds waits in `waiting` and connects once admitted', async () => {
    const server = new FakeServer();
    const { room, log, connecting } = await knock(server, 'Gina');
    assert.deepEqual(room.meeting, { id: 'meeting-1', name: 'Weekly sync' });
    assert.deepEqual(room.participants.length, 1, 'nobody else is known while waiting');
    assert.deepEqual(server.socket.sent('publish'), [], 'nothing is sent while waiting');

    server.admitFromLobby();
    await connecting;
    assert.equal(room.state, 'connected');
    assert.deepEqual(log.slice(0, 3), ['state:connecting', 'state:waiting', 'state:connected']);
    assert.equal(server.socket.sent('publish').length, 1);
  });

  test('MEET-LOBBY: a rejected join ends the room with `rejected` and the moderator’s words', async () => {
    const server = new FakeServer();
    const { room, log, connecting } = await knock(server, 'Mallory');
    server.socket.end('rejected', 'Bob did not let you into the meeting');
    await assert.rejects(connecting, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'rejected');
      assert.match(err.message, /Bob did not let you in/);
      return true;
    });
    assert.equal(room.state, 'disconnected');
    assert.ok(log.includes('disconnected:rejected:rejected'), log.join(' '));
  });

  test('MEET-LOBBY: a moderator sees who waits, and admits or rejects them by id', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    const log = recordEvents(room);
    server.socket.push({ type: 'lobby', waiting: [gina] });
    assert.deepEqual(room.lobby, [gina]);
    await room.admit(['w-gina']);
    await room.reject(['w-other']);
    assert.deepEqual(server.socket.sent('admit'), [{ type: 'admit', participantIds: ['w-gina'] }]);
    assert.deepEqual(server.socket.sent('reject'), [{ type: 'reject', participantIds: ['w-other'] }]);
    server.socket.push({ type: 'lobby', waiting: [] });
    assert.deepEqual(log, ['lobby:Gina', 'lobby:']);
  });
});

describe('Room: moderation', () => {
  test('MEET-MOD-MUTE: muted by a moderator, the microphone goes off here too and cannot be turned on until allowed', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server, { microphone: { track: fakeTrack('audio') } });
    assert.equal(room.localParticipant.isMicrophoneEnabled, true);
    const log = recordEvents(room);

    server.socket.push({
      type: 'mutedByModerator',
      source: 'microphone',
      moderatorName: 'Bob',
      canUnmute: false,
    });
    await eventually(() => !room.localParticipant.isMicrophoneEnabled, 'the microphone is off');
    assert.equal(room.localParticipant.canUnmute('microphone'), false);
    assert.ok(log.includes('mutedByModerator:microphone:Bob:false'));
    await assert.rejects(room.setMicrophoneEnabled(true), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'muted_by_moderator');
      return true;
    });
    assert.equal(room.localParticipant.isMicrophoneEnabled, false);

    server.socket.push({ type: 'unmuteAllowed', source: 'microphone', moderatorName: 'Bob' });
    assert.equal(room.localParticipant.canUnmute('microphone'), true);
    await room.setMicrophoneEnabled(true);
    assert.equal(room.localParticipant.isMicrophoneEnabled, true);
    assert.deepEqual(
      server.socket
        .sent('setMute')
        .filter((m) => m.source === 'microphone')
        .map((m) => m.muted),
      [true, false],
    );
  });

  test('MEET-MOD-MUTE, MEET-MOD-REMOVE, MEET-MODERATORS: moderator requests go out as the server expects them', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann')];
    const room = await joinRoom(server);
    await room.muteParticipants({ source: 'camera' });
    await room.muteParticipants({ source: 'microphone', participantIds: ['p-ann'], allowUnmute: true });
    await room.allowUnmute('camera');
    await room.removeParticipants(['p-ann']);
    await room.removeParticipants();
    await room.setModerator('p-ann', true);
    assert.deepEqual(server.socket.sent('muteParticipants'), [
      { type: 'muteParticipants', source: 'camera', allowUnmute: false },
      { type: 'muteParticipants', source: 'microphone', allowUnmute: true, participantIds: ['p-ann'] },
    ]);
    assert.deepEqual(server.socket.sent('allowUnmute'), [{ type: 'allowUnmute', source: 'camera' }]);
    assert.deepEqual(server.socket.sent('removeParticipants'), [
      { type: 'removeParticipants', participantIds: ['p-ann'] },
      { type: 'removeParticipants' },
    ]);
    assert.deepEqual(server.socket.sent('setModerator'), [
      { type: 'setModerator', participantId: 'p-ann', moderator: true },
    ]);

    server.socket.push({
      type: 'participantUpdated',
      participant: { ...participantInfo('p-ann', 'Ann'), moderator: true },
    });
    assert.equal(room.remoteParticipants.get('p-ann')?.isModerator, true);
  });

  test('MEET-MOD-REMOVE: removed by a moderator, the room ends for good instead of rejoining', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    const log = recordEvents(room);
    server.socket.end('removed', 'Bob removed you from the meeting');
    await eventually(() => room.state === 'disconnected', 'the room ends');
    assert.equal(server.sockets.length, 1, 'no rejoin');
    assert.ok(log.includes('disconnected:removed:connection_closed'), log.join(' '));
  });
});
