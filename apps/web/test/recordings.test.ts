/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RECORDING_VIEWERS, type RecordingView } from '@conclave/protocol';
import {
  downloadName,
  lengthIso,
  lengthText,
  recordingLengthMs,
  sizeText,
  STATUS_TEXT,
} from '../src/recordings/format';
import {
  initialSharing,
  linkKey,
  saveLabel,
  sharingChanged,
  sharingProblem,
  sharingRequest,
  VISIBILITY_CHOICES,
} from '../src/recordings/sharing';

const recording = (over: Partial<RecordingView> = {}): RecordingView => ({
  id: 'r1',
  meetingId: 'm1',
  meetingName: 'Quarterly review',
  startedByName: 'Ada',
  startedAt: '2025-01-31T10:00:00.000Z',
  endedAt: '2025-01-31T10:12:05.000Z',
  status: 'ready',
  size: 3_400_000,
  mediaUrl: '/api/recordings/r1/media',
  isOwner: true,
  canDelete: true,
  visibility: 'owner',
  viewers: [],
  ...over,
});

test('REC-ACCESS: a recording’s length is known once it has ended, from its start and end', () => {
  assert.equal(recordingLengthMs(recording()), 725_000);
  assert.equal(recordingLengthMs(recording({ endedAt: null, status: 'recording' })), null);
  assert.equal(recordingLengthMs(recording({ endedAt: 'not a date' })), null);
  assert.equal(recordingLengthMs(recording({ endedAt: '2025-01-31T09:00:00.000Z' })), null);
});

test('REC-ACCESS: lengths read in words, and as ISO 8601 durations for <time>', () => {
  assert.equal(lengthText(45_000), '45 s');
  assert.equal(lengthText(725_000), '12 min 5 s');
  assert.equal(lengthText(720_000), '12 min');
  assert.equal(lengthText(3_720_000), '1 h 2 min');
  assert.equal(lengthText(7_200_000), '2 h');
  assert.equal(lengthIso(725_000), 'PT12M5S');
  assert.equal(lengthIso(3_720_000), 'PT1H2M0S');
  assert.equal(lengthIso(0), 'PT0S');
});

test('REC-ACCESS: statuses and sizes are said as people say them', () => {
  assert.deepEqual(STATUS_TEXT, { recording: 'Being recorded…', ready: 'Ready', failed: 'Failed' });
  assert.equal(sizeText(512), '512 B');
  assert.equal(sizeText(3_400_000), '3.4 MB');
  assert.equal(sizeText(250_000_000), '250 MB');
  assert.equal(sizeText(1_200_000_000), '1.2 GB');
});

test('REC-ACCESS: a download is named after the meeting and its day, without characters files refuse', () => {
  assert.equal(downloadName(recording()), 'Quarterly review 2025-01-31.mp4');
  assert.equal(downloadName(recording({ meetingName: 'a/b: "c"?\u0007' })), 'a b c 2025-01-31.mp4');
  assert.equal(downloadName(recording({ meetingName: '..' })), 'Recording 2025-01-31.mp4');
});

test('REC-ACCESS: the sharing form starts from how the recording is shared, and sends people only when chosen', () => {
  assert.deepEqual(
    VISIBILITY_CHOICES.map((c) => c.label),
    ['Only me', 'Chosen people', 'Everyone in the organisation', 'Anyone with the link'],
  );
  const bea = { id: 'u2', displayName: 'Bea' };
  const draft = initialSharing(recording({ visibility: 'people', viewers: [bea] }));
  assert.deepEqual(draft, { visibility: 'people', viewers: [bea] });
  assert.deepEqual(sharingRequest(draft), { visibility: 'people', viewerIds: ['u2'] });
  // Switching away keeps the people in the form, but does not send them.
  assert.deepEqual(sharingRequest({ ...draft, visibility: 'organisation' }), { visibility: 'organisation' });
  assert.deepEqual(sharingRequest({ ...draft, visibility: 'link' }), { visibility: 'link' });
});

test('REC-ACCESS: chosen people need at least one person and at most the limit', () => {
  assert.equal(sharingProblem({ visibility: 'owner', viewers: [] }), null);
  assert.match(sharingProblem({ visibility: 'people', viewers: [] }) ?? '', /at least one person/);
  const many = Array.from({ length: MAX_RECORDING_VIEWERS + 1 }, (_, i) => ({
    id: `u${i}`,
    displayName: `P${i}`,
  }));
  assert.match(sharingProblem({ visibility: 'people', viewers: many }) ?? '', /at most 100/);
  assert.equal(sharingProblem({ visibility: 'people', viewers: many.slice(1) }), null);
});

test('REC-ACCESS: Save is offered for a change, and always for a link (each time a new one)', () => {
  const shared = recording({ visibility: 'people', viewers: [{ id: 'u2', displayName: 'Bea' }] });
  assert.equal(sharingChanged(shared, initialSharing(shared)), false);
  assert.equal(
    sharingChanged(shared, { visibility: 'people', viewers: [{ id: 'u3', displayName: 'Cy' }] }),
    true,
  );
  assert.equal(sharingChanged(shared, { visibility: 'people', viewers: [] }), true);
  assert.equal(sharingChanged(shared, { visibility: 'owner', viewers: [] }), true);
  assert.equal(sharingChanged(recording(), { visibility: 'owner', viewers: [] }), false);
  const linked = recording({ visibility: 'link' });
  assert.equal(sharingChanged(linked, initialSharing(linked)), true);
  assert.equal(saveLabel(linked, initialSharing(linked)), 'Make a new link');
  assert.equal(saveLabel(recording(), { visibility: 'link', viewers: [] }), 'Save and make a link');
  assert.equal(saveLabel(recording(), { visibility: 'organisation', viewers: [] }), 'Save');
});

test('REC-ACCESS: a shared link’s key is read from its fragment', () => {
  assert.equal(linkKey('#key=abcdefghijklmnopqrstuvwxyz'), 'abcdefghijklmnopqrstuvwxyz');
  assert.equal(linkKey('#other=1&key=a-b_c'), 'a-b_c');
  assert.equal(linkKey(''), null);
  assert.equal(linkKey('#key='), null);
  assert.equal(linkKey('#nokey'), null);
});
