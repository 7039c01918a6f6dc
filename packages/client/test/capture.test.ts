/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Room } from '../src/room';
import { eventually, FakeServer, participantInfo } from './support/fake-server';
import { roomTests } from './support/rooms';

const { joinRoom } = roomTests();

/** What the room announced of the meeting's recording and stream, as short lines. */
function captureEvents(room: Room): string[] {
  const log: string[] = [];
  room.on('recordingChanged', (state, reason) =>
    log.push(`recording:${state ? `${state.by}@${state.since.toISOString()}` : `off:${reason ?? ''}`}`),
  );
  room.on('streamChanged', (state, reason) => log.push(`stream:${state ? state.by : `off:${reason ?? ''}`}`));
  room.on('captureRightsChanged', () => log.push('rights'));
  return log;
}

const SINCE = '2026-12-02T10:00:00.000Z';

describe('Room: recording and live streaming', () => {
  test('REC-NOTICE: a client joining a meeting that is recorded knows by whom and since when from `joined`; it hears starts and ends, with why', async () => {
    const server = new FakeServer();
    server.recording = { by: 'Bob', since: SINCE };
    const room = await joinRoom(server);
    assert.deepEqual(room.recording, { by: 'Bob', since: new Date(SINCE) });
    assert.equal(room.streaming, null);
    const log = captureEvents(room);

    server.socket.push({ type: 'recordingChanged', recording: null, reason: 'failed' });
    assert.equal(room.recording, null);
    server.socket.push({ type: 'streamChanged', streaming: { by: 'Bob', since: SINCE } });
    assert.deepEqual(room.streaming, { by: 'Bob', since: new Date(SINCE) });
    server.socket.push({ type: 'streamChanged', streaming: null, reason: 'stopped' });
    assert.deepEqual(log, ['recording:off:failed', 'stream:Bob', 'stream:off:stopped']);
  });

  test('REC-NOTICE: a resumed participation announces only a real change; leaving forgets it', async () => {
    const server = new FakeServer();
    server.resumable = true;
    server.recording = { by: 'Bob', since: SINCE };
    const room = await joinRoom(server);
    const log = captureEvents(room);
    const first = server.socket;
    first.drop();
    await eventually(() => server.sockets.length > 1 && room.state === 'connected', 'resumed');
    assert.deepEqual(log, [], 'the same recording goes on');
    assert.deepEqual(room.recording, { by: 'Bob', since: new Date(SINCE) });
    await room.disconnect();
    assert.equal(room.recording, null);
  });

  test('REC-START: start and stop go to the server as requests; a refusal rejects with the server’s code', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    await room.startRecording();
    await room.stopRecording();
    await room.startStream();
    await room.stopStream();
    assert.deepEqual(
      [
        ...server.socket.sent('startRecording'),
        ...server.socket.sent('stopRecording'),
        ...server.socket.sent('startStream'),
        ...server.socket.sent('stopStream'),
      ].map((m) => m.type),
      ['startRecording', 'stopRecording', 'startStream', 'stopStream'],
    );
    server.refuseCapture = { code: 'e2ee_unavailable', message: 'This meeting is end-to-end encrypted' };
    await assert.rejects(room.startRecording(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'e2ee_unavailable');
      return true;
    });
  });

  test('REC-START, STREAM-TOGGLE: what this participant may start follows what the server said and, for `asModerator`, whether it is a moderator now', async () => {
    const server = new FakeServer();
    const room = await joinRoom(server);
    const log = captureEvents(room);
    assert.equal(room.canRecord, false, 'nothing until the server says');
    assert.equal(room.canStream, false);

    server.socket.push({ type: 'captureRights', recording: 'asModerator', streaming: 'no' });
    assert.deepEqual(log, ['rights']);
    assert.equal(room.canRecord, false, 'not a moderator yet');
    const self = room.localParticipant.id;
    server.socket.push({
      type: 'participantUpdated',
      participant: { ...participantInfo(self, 'Owner'), moderator: true },
    });
    assert.equal(room.canRecord, true, 'promoted, and the owner lets moderators record');
    assert.equal(room.canStream, false);

    server.socket.push({ type: 'captureRights', recording: 'yes', streaming: 'yes' });
    assert.equal(room.canStream, true);
    server.socket.push({ type: 'captureRights', recording: 'yes', streaming: 'yes' });
    assert.deepEqual(log, ['rights', 'rights'], 'the same rights again are no change');
  });
});
