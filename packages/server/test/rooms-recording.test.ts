import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerMessage } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import type { CaptureRules, MeetingCapture, MeetingRecord, UserPrincipal } from '../src/domain';
import { silentLogger } from '../src/media/logger';
import { MeetingCaptures } from '../src/rooms/recording';
import { FakeCapture } from './support/fake-capture';

const meeting: MeetingRecord = {
  id: 'm1',
  organisationId: 'o1',
  ownerId: 'u1',
  name: 'Weekly',
  e2ee: false,
  e2eeAnchorKey: null,
  passcodeHash: null,
  lobby: 'off',
};

const bob: UserPrincipal = {
  kind: 'user',
  userId: 'u1',
  organisationId: 'o1',
  sessionId: 's1',
  displayName: 'Bob',
  role: 'user',
};

const ALL_ON: CaptureRules = {
  recordingEnabled: true,
  streamingEnabled: true,
  recordingByModerators: false,
  meetingStreaming: true,
};

function captures(capture: MeetingCapture | null) {
  const told: ServerMessage[] = [];
  const audited: string[] = [];
  let changes = 0;
  const room = new MeetingCaptures({
    audit: {
      started: (m, purpose, by) => void audited.push(`${m.id} ${purpose} started by ${by.displayName}`),
      ended: (m, purpose, by, why) =>
        void audited.push(`${m.id} ${purpose} ${why}${by ? ` by ${by.displayName}` : ''}`),
    },
    meeting,
    clock: new ManualClock(),
    logger: silentLogger,
    capture,
    policy: { rulesOf: async () => ALL_ON },
    region: () => null,
    broadcast: (m) => void told.push(m),
    changed: () => void changes++,
  });
  return { room, told, audited, changes: () => changes };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

test('REC-START: without a capture on this server, a start is refused with recording_unavailable and nothing is told', async () => {
  const { room, told } = captures(null);
  assert.equal(await code(room.start(bob, true, 'recording')), 'recording_unavailable');
  assert.deepEqual(
    await room.rightsOf(bob),
    { recording: 'no', streaming: 'no' },
    'the client offers nothing',
  );
  assert.deepEqual(told, []);
});

test('REC-START: a capture failing before its start resolved is refused to the requester, stopped, and the slot is free again', async () => {
  const fake = new FakeCapture();
  let open = () => undefined as void;
  fake.gate = new Promise<void>((resolve) => (open = resolve));
  const { room, told } = captures(fake);
  const starting = room.start(bob, false, 'recording');
  while (fake.runs.length === 0) await new Promise((resolve) => setImmediate(resolve));
  fake.runs[0]!.onFailed(new Error('crashed at once'));
  open();
  assert.equal(await code(starting), 'recording_unavailable');
  assert.equal(fake.runs[0]!.stopped, true);
  assert.deepEqual(told, []);
  fake.gate = null;
  assert.equal(await code(room.start(bob, false, 'recording')), 'ok');
});

test('REC-START, ADM-AUDIT: the room closing while a capture starts stops it as soon as it is up, and tells nobody (nor the audit log: it never ran)', async () => {
  const fake = new FakeCapture();
  let open = () => undefined as void;
  fake.gate = new Promise<void>((resolve) => (open = resolve));
  const { room, told, audited } = captures(fake);
  const starting = room.start(bob, false, 'stream');
  while (fake.runs.length === 0) await new Promise((resolve) => setImmediate(resolve));
  room.close();
  open();
  assert.equal(await code(starting), 'ok');
  assert.equal(fake.runs[0]!.stopped, true);
  assert.deepEqual(told, []);
  assert.deepEqual(audited, []);
  assert.deepEqual(room.notices(), { recording: null, streaming: null });
});

test('REC-NOTICE: a room taken over on another node keeps who started the recording and since when, and starts its capture again there; one that cannot start is told as failed', async () => {
  const first = new FakeCapture();
  const before = captures(first);
  await before.room.start(bob, false, 'recording');
  const state = before.room.state();
  assert.equal(state.recording?.by, 'Bob');
  assert.equal(state.stream, null);
  assert.ok(before.changes() > 0, 'continuity was told');

  const next = new FakeCapture();
  const after = captures(next);
  after.room.restore(JSON.parse(JSON.stringify(state)) as typeof state);
  while (!after.room.notices().recording) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(after.room.notices().recording, { by: 'Bob', since: state.recording?.since });
  assert.deepEqual(next.runs[0]!.request.startedBy, { userId: 'u1', displayName: 'Bob' });
  assert.deepEqual(after.told, [], 'everyone already knows');

  const broken = new FakeCapture();
  broken.refuseNext = true;
  const lost = captures(broken);
  lost.room.restore(state);
  while (lost.told.length === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(lost.told, [{ type: 'recordingChanged', recording: null, reason: 'failed' }]);
});

test('ADM-AUDIT: each recording and live stream is audited as it starts and ends: who started and stopped it, or why it ended; not when another node takes it up', async () => {
  const fake = new FakeCapture();
  const { room, audited } = captures(fake);
  await room.start(bob, true, 'recording');
  await room.stop(bob, 'recording');
  await room.start(bob, true, 'stream');
  fake.running(meeting.id, 'stream')!.onFailed(new Error('ffmpeg died'));
  await room.start(bob, true, 'recording');
  room.close(true);
  assert.deepEqual(audited, [
    `${meeting.id} recording started by Bob`,
    `${meeting.id} recording stopped by Bob`,
    `${meeting.id} stream started by Bob`,
    `${meeting.id} stream failed`,
    `${meeting.id} recording started by Bob`,
  ]);
  const again = captures(new FakeCapture());
  await again.room.start(bob, true, 'recording');
  again.room.close();
  assert.deepEqual(again.audited.slice(1), [`${meeting.id} recording meetingEnded`]);
});
