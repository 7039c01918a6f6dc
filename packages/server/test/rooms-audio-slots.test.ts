import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AudioSlots, type Microphone } from '../src/rooms/audio-slots';

const mics = (ids: string, muted = ''): Microphone[] =>
  [...ids].map((id) => ({ participantId: id, muted: muted.includes(id) }));
const chosen = (slots: AudioSlots, others: Microphone[]) =>
  slots
    .choose(others)
    .map((m) => m.participantId)
    .sort()
    .join('');

describe('MEET-QUALITY: audio slots (the microphones one participant receives)', () => {
  test('MEET-QUALITY: with no more microphones than slots, every one is received', () => {
    assert.equal(chosen(new AudioSlots(3), mics('abc', 'abc')), 'abc');
  });

  test('MEET-QUALITY: with more, unmuted microphones come before muted ones, then who came first', () => {
    const slots = new AudioSlots(2);
    assert.equal(chosen(slots, mics('abcd')), 'ab');
    assert.equal(chosen(slots, mics('abcd', 'ab')), 'cd');
    assert.equal(chosen(slots, mics('abcd', 'abc')), 'ad');
  });

  test('MEET-QUALITY: a new voice takes the slot of whoever spoke longest ago', () => {
    const slots = new AudioSlots(2);
    const all = mics('abcde');
    assert.equal(slots.spoke('c'), true);
    assert.equal(slots.spoke('d'), true);
    assert.equal(chosen(slots, all), 'cd');
    assert.equal(slots.spoke('e'), true);
    assert.equal(chosen(slots, all), 'de', 'c spoke longest ago');
    assert.equal(slots.spoke('e'), false, 'speaking again changes nothing');
    assert.equal(slots.spoke('d'), false, 'one of the latest speakers changes nothing');
    assert.equal(chosen(slots, all), 'de');
  });

  test('MEET-QUALITY: someone muted gives their slot up to an unmuted one, however recently they spoke', () => {
    const slots = new AudioSlots(2);
    slots.spoke('a');
    slots.spoke('b');
    assert.equal(chosen(slots, mics('abc')), 'ab');
    assert.equal(chosen(slots, mics('abc', 'b')), 'ac');
  });

  test('MEET-QUALITY: whoever left is forgotten', () => {
    const slots = new AudioSlots(1);
    slots.spoke('a');
    slots.spoke('b');
    slots.forget('b');
    assert.equal(chosen(slots, mics('ac')), 'a');
    assert.equal(slots.spoke('c'), true);
  });
});
