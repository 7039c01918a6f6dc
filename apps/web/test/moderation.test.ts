/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WaitingInfo } from '@conclave/protocol';
import {
  arrivalAnnouncement,
  mutedNotice,
  newArrivals,
  remoteActions,
  unmuteAllowedNotice,
  waitingKindLabel,
} from '../src/meeting/moderation';

const waiting = (id: string, displayName: string, kind: WaitingInfo['kind'] = 'guest'): WaitingInfo => ({
  id,
  displayName,
  kind,
  since: '2026-01-01T00:00:00.000Z',
});

test('MEET-MOD-MUTE: the notice names the moderator and the source, and says when unmuting waits for a moderator', () => {
  assert.equal(mutedNotice('microphone', 'Ada', true), 'Ada muted your microphone');
  assert.equal(
    mutedNotice('microphone', 'Ada', false),
    'Ada muted your microphone. You can unmute when a moderator allows it',
  );
  assert.equal(
    mutedNotice('camera', 'Ada', false),
    'Ada turned off your camera. You can unmute when a moderator allows it',
  );
  assert.equal(mutedNotice('camera', 'Ada', true), 'Ada turned off your camera');
  assert.equal(unmuteAllowedNotice('microphone', 'Ada'), 'Ada lets you unmute your microphone');
  assert.equal(unmuteAllowedNotice('camera', 'Ada'), 'Ada lets you turn on your camera');
});

test('MEET-LOBBY: only people who were not waiting before are announced, one sentence each', () => {
  const before = new Set(['a']);
  const now = [waiting('a', 'Ann'), waiting('b', 'Bob'), waiting('c', 'Cy', 'user')];
  const arrivals = newArrivals(before, now);
  assert.deepEqual(
    arrivals.map((w) => w.id),
    ['b', 'c'],
  );
  assert.equal(arrivalAnnouncement(arrivals), 'Bob is waiting to join. Cy is waiting to join');
  assert.equal(arrivalAnnouncement([]), '');
  assert.equal(newArrivals(new Set(['a', 'b']), [waiting('b', 'Bob')]).length, 0);
  assert.deepEqual([waitingKindLabel('guest'), waitingKindLabel('user')], ['Guest', 'Signed in']);
});

test('MEET-LOBBY, INTEROP-SIP, INTEROP-PSTN: a SIP or phone caller waiting in the lobby is marked as one, never as signed in', () => {
  assert.deepEqual((['sip', 'phone', 'room', 'guest', 'user'] as const).map(waitingKindLabel), [
    'SIP',
    'Phone',
    'Room system',
    'Guest',
    'Signed in',
  ]);
});

test('MEET-MODERATORS: moderators get actions on others; only signed-in moderators may promote or demote', () => {
  const remote = { isModerator: false, microphoneOn: true, cameraOn: false };
  assert.equal(remoteActions({ isModerator: false, kind: 'user' }, remote), null);
  const asOwner = remoteActions({ isModerator: true, kind: 'user' }, remote);
  assert.deepEqual(asOwner, {
    mute: true,
    stopCamera: true,
    allowUnmute: false,
    allowCamera: true,
    remove: true,
    moderator: 'make',
  });
  assert.equal(
    remoteActions({ isModerator: true, kind: 'user' }, { ...remote, isModerator: true })?.moderator,
    'unmake',
  );
  const asGuest = remoteActions({ isModerator: true, kind: 'guest' }, { ...remote, microphoneOn: false });
  assert.equal(asGuest?.moderator, null);
  assert.equal(asGuest?.allowUnmute, true);
});
