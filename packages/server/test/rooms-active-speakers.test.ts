import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { talkingOf } from '../src/media/publisher';
import {
  ActiveSpeakers,
  MAX_LISTED_SPEAKERS,
  SPEAKERS_MIN_INTERVAL_MS,
  type SpeakerTimers,
} from '../src/rooms/active-speakers';

/** Time that moves only when the test says so. */
function fakeTimers(): SpeakerTimers & { advance(ms: number): void } {
  let now = 1_000;
  let pending: { at: number; fn: () => void } | null = null;
  return {
    now: () => now,
    setTimeout: (fn, ms) => (pending = { at: now + ms, fn }),
    clearTimeout: () => (pending = null),
    advance(ms) {
      now += ms;
      if (pending && pending.at <= now) {
        const { fn } = pending;
        pending = null;
        fn();
      }
    },
  };
}

function speakers() {
  const sent: string[][] = [];
  const timers = fakeTimers();
  const active = new ActiveSpeakers((ids) => sent.push(ids), timers);
  return { sent, timers, active };
}

describe('active speakers from Janus’s audio levels', () => {
  test('MEET-LAYOUT, MEET-QUALITY: a room full of voices lists only the latest few, so the message stays small', () => {
    const { sent, timers, active } = speakers();
    for (let i = 0; i < 50; i++) active.talking(`p${i}`, true, false);
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    assert.equal(sent.at(-1)!.length, MAX_LISTED_SPEAKERS);
    assert.equal(sent.at(-1)![0], 'p49', 'the latest first');
    const count = sent.length;
    // Someone far down the list stops: what is listed does not change, nothing is sent.
    active.talking('p0', false, false);
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    assert.equal(sent.length, count);
  });

  test('MEET-LAYOUT: talking and stopped-talking become the room’s list, the latest speaker first', () => {
    const { sent, timers, active } = speakers();
    active.talking('a', true, false);
    assert.deepEqual(sent, [['a']], 'the first change goes at once');
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    active.talking('b', true, false);
    assert.deepEqual(sent.at(-1), ['b', 'a']);
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    active.talking('b', false, false);
    assert.deepEqual(sent.at(-1), ['a']);
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    active.talking('a', false, false);
    assert.deepEqual(sent.at(-1), []);
  });

  test('MEET-LAYOUT: changes close together are sent as one list, at most once per interval', () => {
    const { sent, timers, active } = speakers();
    active.talking('a', true, false);
    for (let i = 0; i < 50; i++) {
      active.talking('b', i % 2 === 0, false);
      active.talking('c', i % 2 === 1, false);
    }
    assert.equal(sent.length, 1, 'nothing more before the interval is over');
    timers.advance(SPEAKERS_MIN_INTERVAL_MS - 1);
    assert.equal(sent.length, 1);
    timers.advance(1);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1], ['c', 'a'], 'the state at the end of the interval');
  });

  test('MEET-LAYOUT: a muted microphone is never a speaker, and muting or leaving takes one out', () => {
    const { sent, timers, active } = speakers();
    active.talking('a', true, true);
    assert.deepEqual(sent, [], 'a talking event for a muted microphone changes nothing');
    active.talking('b', true, false);
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    active.silenced('b');
    assert.deepEqual(sent.at(-1), []);
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    const before = sent.length;
    active.silenced('nobody');
    timers.advance(SPEAKERS_MIN_INTERVAL_MS);
    assert.equal(sent.length, before, 'silencing someone who was not speaking sends nothing');
  });

  test('MEET-LAYOUT: a stopped room sends nothing more', () => {
    const { sent, timers, active } = speakers();
    active.talking('a', true, false);
    active.talking('b', true, false);
    active.stop();
    timers.advance(SPEAKERS_MIN_INTERVAL_MS * 2);
    assert.equal(sent.length, 1);
  });

  test('MEET-LAYOUT: only a talking event about the publisher’s own feed counts', () => {
    assert.equal(talkingOf({ videoroom: 'talking', room: 1, id: 7, 'audio-level-dBov-avg': 30 }, 7), true);
    assert.equal(talkingOf({ videoroom: 'stopped-talking', room: 1, id: 7 }, 7), false);
    assert.equal(talkingOf({ videoroom: 'talking', room: 1, id: 8 }, 7), null, 'another publisher');
    assert.equal(talkingOf({ videoroom: 'event', room: 1, id: 7 }, 7), null);
  });
});
