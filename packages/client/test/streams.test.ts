/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParticipantInfo, StreamInfo } from '@conclave/protocol';
import { diffStreams, expectsSubscription, indexByMid, streamKey } from '../src/streams';

const s = (mid: string, participantId: string, source: 'microphone' | 'camera'): StreamInfo => ({
  mid,
  participantId,
  source,
  kind: source === 'microphone' ? 'audio' : 'video',
});

test('the first stream list subscribes everything in it', () => {
  const next = [s('0', 'a', 'microphone'), s('1', 'a', 'camera')];
  assert.deepEqual(diffStreams([], next), { added: next, removed: [] });
});

test('a participant leaving unsubscribes exactly their streams', () => {
  const prev = [s('0', 'a', 'microphone'), s('1', 'a', 'camera'), s('2', 'b', 'microphone')];
  const next = [s('2', 'b', 'microphone')];
  const diff = diffStreams(prev, next);
  assert.deepEqual(diff.added, []);
  assert.deepEqual(diff.removed.map(streamKey), ['a/microphone', 'a/camera']);
});

test('an unchanged list changes nothing', () => {
  const list = [s('0', 'a', 'microphone'), s('1', 'b', 'camera')];
  assert.deepEqual(diffStreams(list, [...list]), { added: [], removed: [] });
});

test('a media section recycled for another participant is unsubscribed and subscribed again', () => {
  const prev = [s('1', 'a', 'camera')];
  const next = [s('1', 'b', 'camera')];
  const diff = diffStreams(prev, next);
  assert.deepEqual(diff.removed, prev);
  assert.deepEqual(diff.added, next);
});

test('a stream that moved to another media section is resubscribed', () => {
  const diff = diffStreams([s('1', 'a', 'camera')], [s('3', 'a', 'camera')]);
  assert.deepEqual(
    diff.removed.map((x) => x.mid),
    ['1'],
  );
  assert.deepEqual(
    diff.added.map((x) => x.mid),
    ['3'],
  );
});

test('the same section with a different track counts as a change', () => {
  type WithTrack = StreamInfo & { track: string };
  const prev: WithTrack[] = [{ ...s('1', 'a', 'camera'), track: 't1' }];
  const next: WithTrack[] = [{ ...s('1', 'a', 'camera'), track: 't2' }];
  const diff = diffStreams(prev, next, (a, b) => a.track === b.track);
  assert.equal(diff.removed.length, 1);
  assert.equal(diff.added.length, 1);
});

test('indexByMid maps media sections to participant and source', () => {
  const byMid = indexByMid([s('0', 'a', 'microphone'), s('1', 'b', 'camera')]);
  assert.equal(byMid.get('1')?.participantId, 'b');
  assert.equal(byMid.get('1')?.source, 'camera');
  assert.equal(byMid.get('0')?.kind, 'audio');
  assert.equal(byMid.get('7'), undefined);
});

const person = (id: string, sources: Array<'microphone' | 'camera'>): ParticipantInfo => ({
  id,
  displayName: id,
  kind: 'guest',
  moderator: false,
  joinedAt: '2026-01-01T00:00:00.000Z',
  tracks: sources.map((source) => ({ source, muted: false })),
});

test('joining brings a subscription offer when someone else publishes', () => {
  assert.equal(expectsSubscription([person('me', []), person('a', ['camera'])], 'me', true), true);
});

test('MEET-QUALITY: choosing its videos, a client expects an offer at once only for the audio the server picks', () => {
  const roster = [person('me', []), person('a', ['camera'])];
  assert.equal(expectsSubscription(roster, 'me', false), false);
  assert.equal(expectsSubscription([...roster, person('b', ['microphone'])], 'me', false), true);
});

test('joining brings no subscription offer when nobody else publishes, whatever this client publishes', () => {
  assert.equal(expectsSubscription([person('me', ['microphone', 'camera'])], 'me', true), false);
  assert.equal(expectsSubscription([person('me', []), person('a', [])], 'me', true), false);
});
