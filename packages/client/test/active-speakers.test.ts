/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, participantInfo } from './support/fake-server';
import { roomTests } from './support/rooms';

const { joinRoom } = roomTests();

describe('Room: active speakers and raised hands', () => {
  test('MEET-LAYOUT: the server’s speaker list becomes room.activeSpeakers and each participant’s isSpeaking', async () => {
    const server = new FakeServer();
    server.others = [
      participantInfo('p-bob', 'Bob', { microphone: 'on' }),
      participantInfo('p-cleo', 'Cleo'),
    ];
    const room = await joinRoom(server);
    const bob = room.remoteParticipants.get('p-bob');
    const cleo = room.remoteParticipants.get('p-cleo');
    assert.ok(bob && cleo);
    const seen: string[][] = [];
    room.on('activeSpeakersChanged', (speakers) => seen.push(speakers.map((p) => p.displayName)));

    server.socket.push({ type: 'activeSpeakers', participantIds: ['p-bob'] });
    assert.deepEqual(
      room.activeSpeakers.map((p) => p.id),
      ['p-bob'],
    );
    assert.equal(bob.isSpeaking, true);
    assert.equal(cleo.isSpeaking, false);

    server.socket.push({ type: 'activeSpeakers', participantIds: ['p-cleo', 'p-bob', 'p-nobody'] });
    assert.deepEqual(
      room.activeSpeakers.map((p) => p.id),
      ['p-cleo', 'p-bob'],
      'ids nobody here has are left out',
    );
    // The same list again is no change.
    server.socket.push({ type: 'activeSpeakers', participantIds: ['p-cleo', 'p-bob'] });
    const self = room.localParticipant.id;
    server.socket.push({ type: 'activeSpeakers', participantIds: [self] });
    assert.equal(room.localParticipant.isSpeaking, true, 'the server names this client too');
    assert.equal(bob.isSpeaking, false);
    assert.deepEqual(seen, [['Bob'], ['Cleo', 'Bob'], [room.localParticipant.displayName]]);
  });

  test('MEET-LAYOUT: someone who leaves while speaking speaks no more; leaving the room clears the list', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-bob', 'Bob', { microphone: 'on' })];
    const room = await joinRoom(server);
    const bob = room.remoteParticipants.get('p-bob');
    server.socket.push({ type: 'activeSpeakers', participantIds: ['p-bob'] });
    let changes = 0;
    room.on('activeSpeakersChanged', () => changes++);
    server.socket.push({ type: 'participantLeft', participantId: 'p-bob', reason: 'left' });
    assert.deepEqual(room.activeSpeakers, []);
    assert.equal(bob?.isSpeaking, false);
    assert.equal(changes, 1);
    server.socket.push({ type: 'activeSpeakers', participantIds: [room.localParticipant.id] });
    await room.disconnect();
    assert.deepEqual(room.activeSpeakers, []);
    assert.equal(room.localParticipant.isSpeaking, false);
  });

  test('MEET-LAYOUT: raising and lowering hands are requests; a hand shows as handRaisedAt from the roster', async () => {
    const server = new FakeServer();
    server.others = [participantInfo('p-bob', 'Bob')];
    const room = await joinRoom(server);
    await room.raiseHand(true);
    await room.lowerHand('p-bob');
    assert.deepEqual(server.socket.sent('raiseHand'), [{ type: 'raiseHand', raised: true }]);
    assert.deepEqual(server.socket.sent('lowerHand'), [{ type: 'lowerHand', participantId: 'p-bob' }]);

    const updated: string[] = [];
    room.on('participantUpdated', (p) => updated.push(p.displayName));
    const at = '2026-12-03T10:00:00.000Z';
    server.socket.push({
      type: 'participantUpdated',
      participant: { ...participantInfo('p-bob', 'Bob'), handRaisedAt: at },
    });
    const bob = room.remoteParticipants.get('p-bob');
    assert.equal(bob?.handRaisedAt, at);
    assert.equal(bob?.isHandRaised, true);
    server.socket.push({ type: 'participantUpdated', participant: participantInfo('p-bob', 'Bob') });
    assert.equal(bob?.isHandRaised, false);
    assert.deepEqual(updated, ['Bob', 'Bob']);
  });
});
