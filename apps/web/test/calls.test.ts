/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallView, Notification } from '@conclave/protocol';
import {
  accepting,
  answered,
  checked,
  hungUp,
  NO_CALLS,
  notified,
  placed,
  placing,
  rang,
  ringingNow,
  watched,
  type CallState,
} from '../src/calls/callState';

const ring = (id: string, name = 'Ada'): Notification => ({
  type: 'incomingCall',
  call: {
    id,
    kind: 'direct',
    caller: { id: 'u-ada', name },
    meeting: { id: `m-${id}`, name: 'Ada and Bob' },
    expiresAt: '2026-01-01T00:00:30.000Z',
  },
});
const ended = (
  callId: string,
  reason: 'answered_elsewhere' | 'declined' | 'cancelled' | 'missed',
): Notification => ({
  type: 'callEnded',
  callId,
  reason,
});
const apply = (state: CallState, ...ns: Notification[]) => ns.reduce((s, n) => notified(s, n).state, state);
const bob = { id: 'u-bob', name: 'Bob' };

test('MEET-CALL: an incoming call rings until it is answered elsewhere, cancelled or missed; a repeat rings once', () => {
  let s = apply(NO_CALLS, ring('c1'), ring('c1'));
  assert.equal(s.incoming.length, 1);
  assert.equal(ringingNow(s)?.id, 'c1');
  for (const reason of ['answered_elsewhere', 'cancelled', 'missed'] as const) {
    s = apply(NO_CALLS, ring('c1'), ended('c1', reason));
    assert.equal(ringingNow(s), null, `stops when ${reason}`);
  }
  // Only missed calls make the missed-call list load again.
  assert.equal(apply(NO_CALLS, ring('c1'), ended('c1', 'missed')).missedVersion, 1);
  assert.equal(apply(NO_CALLS, ring('c1'), ended('c1', 'cancelled')).missedVersion, 1);
  assert.equal(apply(NO_CALLS, ring('c1'), ended('c1', 'answered_elsewhere')).missedVersion, 0);
});

test('MEET-CALL: a call accepted here stops ringing but is not dropped by its own answered_elsewhere', () => {
  let s = apply(NO_CALLS, ring('c1'), ring('c2', 'Carol'));
  s = accepting(s, 'c1');
  assert.equal(ringingNow(s)?.id, 'c2', 'the next call rings');
  s = apply(s, ended('c1', 'answered_elsewhere'));
  assert.ok(
    s.incoming.some((c) => c.id === 'c1'),
    'kept until the server answered',
  );
  s = answered(s, 'c1');
  assert.deepEqual(
    s.incoming.map((c) => c.id),
    ['c2'],
  );
});

test('MEET-CALL: the caller joins the meeting when its own call is accepted, and sees a decline or no answer', () => {
  let s = placing(NO_CALLS, bob);
  assert.equal(s.outgoing?.status, 'placing');
  ({ state: s } = placed(s, bob.id, 'c1'));
  assert.equal(s.outgoing?.status, 'ringing');
  // Another tab's call being accepted does not move this one.
  const other = notified(s, { type: 'callAccepted', callId: 'c9', meetingId: 'm9', callee: bob });
  assert.equal(other.join, null);
  const accepted = notified(s, { type: 'callAccepted', callId: 'c1', meetingId: 'm1', callee: bob });
  assert.equal(accepted.join, 'm1');
  assert.equal(accepted.state.outgoing, null);
  assert.equal(apply(s, ended('c1', 'declined')).outgoing?.status, 'declined');
  assert.equal(apply(s, ended('c1', 'missed')).outgoing?.status, 'missed');
});

test('MEET-CALL: hanging up before the server placed the call asks for it to be cancelled', () => {
  const s = hungUp(placing(NO_CALLS, bob));
  const result = placed(s, bob.id, 'c1');
  assert.equal(result.wanted, false);
  assert.equal(result.state.outgoing, null);
});

test('MEET-ADD: people rung into the meeting show ringing, then accepted or declined', () => {
  let s = rang(rang(NO_CALLS, 'c1', 'Bob'), 'c2', 'Carol');
  s = notified(s, { type: 'callAccepted', callId: 'c1', meetingId: 'm', callee: bob }).state;
  s = apply(s, ended('c2', 'declined'));
  assert.deepEqual(
    s.rung.map((r) => [r.name, r.status]),
    [
      ['Carol', 'declined'],
      ['Bob', 'accepted'],
    ],
  );
  assert.equal(notified(s, { type: 'callAccepted', callId: 'c1', meetingId: 'm', callee: bob }).join, null);
});

test('MEET-CALL: a call found over on the server stops ringing here even when its notification was lost', () => {
  const view = (state: CallView['state']): CallView => ({
    id: 'c1',
    kind: 'direct',
    state,
    caller: { id: 'u-ada', name: 'Ada' },
    callee: { ...bob, kind: 'user' },
    meeting: { id: 'm1', name: 'Ada and Bob' },
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:00:30.000Z',
  });
  const incoming = apply(NO_CALLS, ring('c1'));
  assert.deepEqual(watched(incoming), ['c1']);
  assert.equal(ringingNow(checked(incoming, view('ringing')).state)?.id, 'c1');
  for (const state of ['accepted', 'declined', 'missed'] as const) {
    assert.equal(ringingNow(checked(incoming, view(state)).state), null, `stops when ${state}`);
  }
  const outgoing = placed(placing(NO_CALLS, bob), bob.id, 'c1').state;
  assert.deepEqual(watched(outgoing), ['c1']);
  assert.equal(checked(outgoing, view('accepted')).join, 'm1');
  assert.equal(checked(outgoing, view('declined')).state.outgoing?.status, 'declined');
});
