/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, FakeServer, participantInfo } from './support/fake-server';
import { fakeTrack, FakePeerConnection } from './support/fake-webrtc';
import { recordEvents, roomTests } from './support/rooms';

const { joinRoom } = roomTests();

describe('Room: the meeting moves to another media server', () => {
  test('NET-FAILOVER: on mediaMoved the client publishes again on fresh connections, staying in the meeting', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-ann', 'Ann', { microphone: 'on' })];
    const room = await joinRoom(server, { microphone: { track: fakeTrack('audio') } });
    const log = recordEvents(room);
    const before = FakePeerConnection.created.filter((pc) => !pc.closed);
    assert.equal(server.socket.sent('publish').length, 1);

    server.socket.push({ type: 'mediaMoved' });
    await eventually(() => server.socket.sent('publish').length === 2, 'a second publish');
    assert.equal(room.state, 'connected');
    assert.equal(room.localParticipant.id, 'self-1', 'the same participant');
    assert.equal(server.sockets.length, 1, 'no rejoin');
    assert.ok(log.includes('unsubscribed:p-ann/microphone'), log.join(' '));
    assert.ok(!log.some((e) => e.startsWith('left:') || e.startsWith('disconnected')), log.join(' '));
    // The connections of before are closed, and a new one publishes.
    assert.ok(before.length > 0 && before.every((pc) => pc.closed), 'the old connections are closed');
    assert.ok(FakePeerConnection.created.some((pc) => !pc.closed && !before.includes(pc)));

    server.socket.push(server.socket.subscriptionOffer(server.others));
    await eventually(() => log.includes('subscribed:p-ann/microphone'), 'Ann again');
  });
});
