import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerMessage } from '@conclave/protocol';
import type { Timers } from '../src/common/timers';
import type { Principal, UserPrincipal } from '../src/domain';
import { HeldParticipants } from '../src/rooms/held-participants';
import { Participant, type ParticipantSink } from '../src/rooms/participant';
import { resumeTicket } from '../src/rooms/resume-tokens';

/** Timers moved by hand: `advance` runs what falls due. */
class FakeTimers implements Timers {
  private now = 0;
  private readonly due = new Set<{ at: number; run: () => void }>();
  set(callback: () => void, ms: number): () => void {
    const timer = { at: this.now + ms, run: callback };
    this.due.add(timer);
    return () => this.due.delete(timer);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const timer of [...this.due].sort((a, b) => a.at - b.at)) {
      if (timer.at > this.now) continue;
      this.due.delete(timer);
      timer.run();
    }
  }
  get pending(): number {
    return this.due.size;
  }
}

const person = (name: string, sessionId = `session-${name}`): UserPrincipal => ({
  kind: 'user',
  userId: `user-${name}`,
  organisationId: 'org',
  displayName: name,
  role: 'user',
  sessionId,
});

class RecordingSink implements ParticipantSink {
  readonly sent: ServerMessage[] = [];
  ended: string | null = null;
  entered(): void {}
  send(message: ServerMessage): void {
    this.sent.push(message);
  }
  end(reason: string): void {
    this.ended = reason;
  }
  handOff(): void {}
}

function setUp() {
  const timers = new FakeTimers();
  const participants = new Map<string, Participant>();
  const left: string[] = [];
  const held = new HeldParticipants({
    participants,
    timers,
    leave: (p) => {
      p.left = true;
      participants.delete(p.id);
      left.push(p.id);
    },
  });
  const add = (id: string, principal: Principal) => {
    const sink = new RecordingSink();
    const p = new Participant(id, principal, sink, '2026-12-03T10:00:00.000Z', false);
    const ticket = resumeTicket();
    p.resumeHash = ticket.hash;
    participants.set(id, p);
    return { p, sink, token: ticket.token };
  };
  return { timers, held, add, left };
}

describe('participants held for a reconnect (MEET-RECONNECT)', () => {
  test('MEET-RECONNECT: a held participant leaves when the grace runs out, not before', () => {
    const { timers, held, add, left } = setUp();
    const { p } = add('p1', person('bob'));
    held.hold(p, 20_000);
    assert.equal(held.isHeld(p), true);
    timers.advance(19_999);
    assert.deepEqual(left, []);
    timers.advance(1);
    assert.deepEqual(left, ['p1']);
    assert.equal(held.isHeld(p), false);
  });

  test('MEET-RECONNECT: taken up within the grace: same participant, what was held in order, a fresh token, no timer left', () => {
    const { timers, held, add, left } = setUp();
    const { p, token } = add('p1', person('bob'));
    held.hold(p, 20_000);
    p.sink.send({ type: 'mediaMoved' });
    p.sink.send({ type: 'participantLeft', participantId: 'x', reason: 'left' });
    p.sink.send({ type: 'subscriptionOffer', sdp: 'v=0', streams: [] });
    p.sink.send({ type: 'unmuteAllowed', source: 'microphone', moderatorName: 'Ada' });
    timers.advance(10_000);
    const fresh = new RecordingSink();
    const taken = held.take('p1', token, person('bob'), fresh);
    assert.equal(taken.participant, p);
    assert.equal(p.sink, fresh);
    assert.deepEqual(
      taken.held.map((m) => m.type),
      ['mediaMoved', 'unmuteAllowed'],
      'the roster comes with `joined`, the pending offer is sent again: neither is held',
    );
    assert.notEqual(taken.token, token);
    assert.equal(taken.mediaLost, true, 'nothing was published: it publishes again');
    assert.equal(timers.pending, 0);
    timers.advance(60_000);
    assert.deepEqual(left, []);
    assert.throws(() => held.take('p1', token, person('bob'), new RecordingSink()), /cannot be taken up/);
    assert.doesNotThrow(() => held.take('p1', taken.token, person('bob'), new RecordingSink()));
  });

  test('MEET-RECONNECT: the wrong token, another person or an unknown id is refused, and the hold goes on', () => {
    const { timers, held, add, left } = setUp();
    const { p, token } = add('p1', person('bob'));
    held.hold(p, 20_000);
    for (const [id, t, who] of [
      ['p1', 'x'.repeat(32), person('bob')],
      ['p1', token, person('mallory')],
      ['p2', token, person('bob')],
    ] as const) {
      assert.throws(() => held.take(id, t, who, new RecordingSink()), { code: 'resume_failed' });
    }
    assert.equal(held.isHeld(p), true);
    timers.advance(20_000);
    assert.deepEqual(left, ['p1']);
  });

  test('MEET-RECONNECT: a live participation taken over tells its old connection it was replaced', () => {
    const { held, add } = setUp();
    const { p, sink, token } = add('p1', person('bob'));
    const fresh = new RecordingSink();
    held.take('p1', token, person('bob'), fresh);
    assert.equal(sink.ended, 'replaced');
    assert.equal(p.sink, fresh);
  });

  test('MEET-RECONNECT: a fresh join of the same person, a sign-out, or leaving otherwise ends the hold at once', () => {
    const { timers, held, add, left } = setUp();
    const a = add('a', person('bob'));
    const b = add('b', person('carol'));
    const c = add('c', person('dora'));
    for (const x of [a, b, c]) held.hold(x.p, 20_000);
    held.replacedBy(person('bob'));
    held.endSession('session-carol');
    assert.deepEqual(left, ['a', 'b']);
    held.forget(c.p);
    timers.advance(30_000);
    assert.deepEqual(left, ['a', 'b'], 'forgotten: its leaving is someone else’s business');
  });

  test('MEET-RECONNECT: a grace of 0 lets the participant go at once', () => {
    const { held, add, left } = setUp();
    const { p } = add('p1', person('bob'));
    held.hold(p, 0);
    assert.deepEqual(left, ['p1']);
  });
});
