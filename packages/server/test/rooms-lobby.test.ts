import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GuestPrincipal, UserPrincipal } from '../src/domain';
import { Lobby, type Knock } from '../src/rooms/lobby';

const user: UserPrincipal = {
  kind: 'user',
  userId: 'u1',
  organisationId: 'org',
  displayName: 'Carol',
  role: 'user',
  sessionId: 's1',
};
const guest = (id: string): GuestPrincipal => ({
  kind: 'guest',
  guestId: id,
  organisationId: 'org',
  meetingId: 'm1',
  displayName: `Guest ${id}`,
});

function knock(id: string, principal: Knock['principal']): Knock & { ended: () => boolean } {
  let cancelled = false;
  return {
    id,
    principal,
    sink: { entered: () => undefined, send: () => undefined, end: () => undefined, handOff: () => undefined },
    reply: { iceServers: [] },
    since: '2026-12-02T10:00:00.000Z',
    cancelTimer: () => (cancelled = true),
    ended: () => cancelled,
  };
}

/** The lobby's bookkeeping on its own (MEET-LOBBY); the rooms' use of it is tested over signaling. */
describe('the lobby’s door', () => {
  test('MEET-LOBBY: the setting decides who waits; moderators never do', () => {
    const lobby = new Lobby(10);
    assert.equal(lobby.door(guest('g1'), 'off', false), 'enter');
    assert.equal(lobby.door(guest('g1'), 'guests', false), 'wait');
    assert.equal(lobby.door(user, 'guests', false), 'enter');
    assert.equal(lobby.door(user, 'everyone', false), 'wait');
    assert.equal(lobby.door(user, 'everyone', true), 'enter');
  });

  test('MEET-LOBBY: let in once, one comes back without waiting; turned away, one is refused', () => {
    const lobby = new Lobby(10);
    lobby.pass(user);
    assert.equal(lobby.door(user, 'everyone', false), 'enter');
    lobby.refuse(guest('g2'));
    assert.equal(lobby.door(guest('g2'), 'off', false), 'refused');
  });

  test('MEET-MOD-REMOVE: the removed wait whatever the setting; after a guest’s removal, every new guest waits', () => {
    const lobby = new Lobby(10);
    lobby.pass(user);
    lobby.remove(user);
    assert.equal(lobby.door(user, 'off', false), 'wait');
    assert.equal(lobby.door(guest('new'), 'off', false), 'enter');
    lobby.remove(guest('g3'));
    assert.equal(lobby.door(guest('new'), 'off', false), 'wait');
    lobby.pass(user);
    assert.equal(lobby.door(user, 'off', false), 'enter', 'admitted again');
  });

  test('MEET-LOBBY: one place per person, and the lobby is bounded', () => {
    const lobby = new Lobby(2);
    const first = knock('k1', guest('g1'));
    assert.equal(lobby.add(first), undefined);
    const again = knock('k2', guest('g1'));
    assert.equal(lobby.add(again), first, 'the earlier window gives up its place');
    assert.ok(first.ended());
    assert.deepEqual(
      lobby.list().map((w) => w.id),
      ['k2'],
    );
    lobby.add(knock('k3', guest('g2')));
    assert.equal(lobby.full, true);
    assert.equal(lobby.take('k2'), again);
    assert.equal(lobby.take('k2'), undefined);
    assert.equal(lobby.full, false);
  });
});
