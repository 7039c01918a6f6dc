/// <reference types="node" />
import { after, afterEach, before } from 'node:test';
import { Room } from '../../src/room';
import type { ConnectOptions, RoomOptions } from '../../src/room-options';
import { eventually, SIGNALING_URL, type FakeServer } from './fake-server';
import { installFakeWebRtc } from './fake-webrtc';

/**
 * Sets up a test file that drives Rooms against a FakeServer: the WebRTC fakes are installed for
 * the file, and every room made through `newRoom` is left after each test (so no timer outlives it).
 */
export function roomTests(): {
  newRoom(server: FakeServer, options?: RoomOptions): Room;
  joinRoom(server: FakeServer, options?: Partial<ConnectOptions>, roomOptions?: RoomOptions): Promise<Room>;
  knock(
    server: FakeServer,
    displayName: string,
  ): Promise<{ room: Room; log: string[]; connecting: Promise<void> }>;
} {
  let restore: () => void = () => {};
  const rooms: Room[] = [];
  before(() => (restore = installFakeWebRtc()));
  after(() => restore());
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.disconnect()));
  });
  const newRoom = (server: FakeServer, options: RoomOptions = {}) => {
    const room = new Room({ createSocket: server.createSocket, fetch: server.fetch, ...options });
    rooms.push(room);
    return room;
  };
  return {
    newRoom,
    async joinRoom(server, options = {}, roomOptions = {}) {
      const room = newRoom(server, roomOptions);
      await room.connect({
        meetingId: 'meeting-1',
        signalingUrl: SIGNALING_URL,
        microphone: false,
        camera: false,
        ...options,
      });
      return room;
    },
    /** A guest joins a meeting whose lobby holds them; resolves once the room waits (events logged from the start). */
    async knock(server, displayName) {
      server.lobby = true;
      const room = newRoom(server);
      const log = recordEvents(room);
      const connecting = room.connect({
        meetingId: 'meeting-1',
        displayName,
        signalingUrl: SIGNALING_URL,
        microphone: false,
        camera: false,
      });
      await eventually(() => room.state === 'waiting', 'the room waits');
      return { room, log, connecting };
    },
  };
}

/** Everything a room tells its app, as short lines ("subscribed:p-ann/camera"), in order. */
export function recordEvents(room: Room): string[] {
  const log: string[] = [];
  const who = (p: { isLocal: boolean; id: string }) => (p.isLocal ? 'self' : p.id);
  room.on('connectionStateChanged', (state) => log.push(`state:${state}`));
  room.on('participantJoined', (p) => log.push(`joined:${p.id}`));
  room.on('participantLeft', (p, reason) => log.push(`left:${p.id}:${reason}`));
  room.on('participantUpdated', (p) => log.push(`updated:${who(p)}`));
  room.on('trackSubscribed', (_t, publication, p) => log.push(`subscribed:${p.id}/${publication.source}`));
  room.on('trackUnsubscribed', (_t, publication, p) =>
    log.push(`unsubscribed:${p.id}/${publication.source}`),
  );
  room.on('trackMuted', (publication, p) => log.push(`muted:${who(p)}/${publication.source}`));
  room.on('trackUnmuted', (publication, p) => log.push(`unmuted:${who(p)}/${publication.source}`));
  room.on('disconnected', (reason, error) =>
    log.push(`disconnected:${reason}${error ? `:${error.code}` : ''}`),
  );
  room.on('error', (error) => log.push(`error:${error.code}`));
  room.on('lobbyChanged', (waiting) => log.push(`lobby:${waiting.map((w) => w.displayName).join(',')}`));
  room.on('mutedByModerator', (source, by, canUnmute) =>
    log.push(`mutedByModerator:${source}:${by}:${canUnmute}`),
  );
  room.on('unmuteAllowed', (source, by) => log.push(`unmuteAllowed:${source}:${by}`));
  return log;
}
