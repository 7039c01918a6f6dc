/// <reference types="node" />
// E2EE-FRAME, the media worker's pipeline without a browser: the transforms a worker puts between
// the encoder and the network, and between the network and the decoder, over the worker's keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEDIA_BASE_KEY_LENGTH } from '@conclave/e2ee';
import type { TransformOptions } from '../src/e2ee/messages';
import { frameTransform, type EncodedFrame } from '../src/e2ee/transforms';
import { WorkerKeys } from '../src/e2ee/worker-keys';

class FakeFrame implements EncodedFrame {
  constructor(
    public data: ArrayBuffer,
    private readonly mimeType?: string,
  ) {}
  getMetadata(): { mimeType?: string } {
    return this.mimeType === undefined ? {} : { mimeType: this.mimeType };
  }
}

const key = (fill: number) => new Uint8Array(MEDIA_BASE_KEY_LENGTH).fill(fill);

/** VP8 frames, the first a key frame (frame tag bit 0 clear), the rest delta frames; random payload. */
function vp8Frames(n: number, bytes = 300): Uint8Array<ArrayBuffer>[] {
  return Array.from({ length: n }, (_, i) => {
    const frame = crypto.getRandomValues(new Uint8Array(bytes));
    frame[0] = i === 0 ? 0x50 : 0x51;
    return frame;
  });
}

const video = (frames: Uint8Array<ArrayBuffer>[], mimeType: string | undefined = 'video/VP8') =>
  frames.map((f) => new FakeFrame(f.slice().buffer, mimeType));

/** Feeds frames through a worker's transform; what comes out, and what was reported. */
async function through(
  keys: WorkerKeys,
  options: TransformOptions,
  frames: EncodedFrame[],
): Promise<{ out: EncodedFrame[]; reports: string[] }> {
  const reports: string[] = [];
  const transform = frameTransform(keys, options, (m) => reports.push(m));
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  const out: EncodedFrame[] = [];
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      out.push(value);
    }
  })();
  for (const frame of frames) await writer.write(frame);
  await writer.close();
  await reading;
  return { out, reports };
}

const SEND_CAMERA: TransformOptions = { side: 'send', stream: 'camera' };
const RECEIVE_VIDEO: TransformOptions = { side: 'receive', kind: 'video' };

/** A member at `leaf` holding `epoch` with `baseKey`, active. */
function member(leaf: number, baseKey: Uint8Array, epoch = 1n): WorkerKeys {
  const keys = new WorkerKeys();
  keys.install(epoch, baseKey, leaf);
  keys.activate(epoch);
  return keys;
}

const bytes = (frames: EncodedFrame[]) => frames.map((f) => new Uint8Array(f.data));
/** Transforms replace a frame's data: each receiver gets its own copies of what was sent. */
const copies = (frames: EncodedFrame[]) => frames.map((f) => new FakeFrame(f.data.slice(0)));

test('E2EE-FRAME: a sender with no active epoch sends nothing at all, not even in clear', async () => {
  const keys = new WorkerKeys();
  const before = await through(keys, SEND_CAMERA, video(vp8Frames(3)));
  assert.equal(before.out.length, 0);
  keys.install(1n, key(1), 0);
  const installedOnly = await through(keys, SEND_CAMERA, video(vp8Frames(2)));
  assert.equal(installedOnly.out.length, 0, 'installed is not active: still nothing is sent');
  assert.equal(keys.stats().withheld, 5);
  assert.equal(keys.stats().encrypted, 0);
});

test('E2EE-FRAME: a receiver with the same epoch key gets back every frame, byte for byte; the wire carries only the VP8 header in clear', async () => {
  const sender = member(0, key(7));
  const receiver = member(1, key(7));
  const frames = vp8Frames(5);
  const sent = await through(sender, SEND_CAMERA, video(frames));
  assert.equal(sent.out.length, 5);
  for (const [i, wire] of bytes(sent.out).entries()) {
    const clear = i === 0 ? 10 : 1;
    assert.deepEqual(wire.subarray(0, clear), frames[i]!.subarray(0, clear), 'the VP8 header stays readable');
    assert.ok(wire.length > frames[i]!.length, 'an SFrame header and tag were added');
    const rest = Buffer.from(frames[i]!.subarray(clear, clear + 16));
    assert.equal(Buffer.from(wire).indexOf(rest), -1, 'the payload does not appear on the wire');
  }
  const received = await through(receiver, RECEIVE_VIDEO, sent.out);
  assert.deepEqual(bytes(received.out), frames);
  assert.equal(receiver.stats().decrypted, 5);
  assert.deepEqual(sent.reports, []);
  assert.deepEqual(received.reports, []);
});

test('E2EE-FRAME: a receiver with no keys, or another group’s key, passes nothing to the decoder and counts each drop', async () => {
  const sent = await through(member(0, key(7)), SEND_CAMERA, video(vp8Frames(4)));
  const keyless = new WorkerKeys();
  const stranger = member(1, key(8));
  const a = await through(keyless, RECEIVE_VIDEO, copies(sent.out));
  const b = await through(stranger, RECEIVE_VIDEO, sent.out);
  assert.equal(a.out.length + b.out.length, 0);
  assert.equal(keyless.stats().dropped.unknown_key, 4);
  assert.equal(stranger.stats().dropped.auth_failed, 4);
});

test('E2EE-FRAME: an unprotected frame (a media server injecting clear video) is refused', async () => {
  const receiver = member(1, key(7));
  const { out } = await through(receiver, RECEIVE_VIDEO, video(vp8Frames(3)));
  assert.equal(out.length, 0);
  const { dropped } = receiver.stats();
  assert.equal(dropped.malformed + dropped.unknown_key + dropped.auth_failed, 3);
});

test('E2EE-FRAME: after install(n+1) on both sides and activate(n+1), frames keep arriving; a receiver left on epoch n loses them', async () => {
  const sender = member(0, key(1));
  const receiver = member(1, key(1));
  const leftBehind = member(2, key(1));
  sender.install(2n, key(2), 0);
  receiver.install(2n, key(2), 1);
  sender.activate(2n);
  receiver.activate(2n);
  const frames = vp8Frames(3);
  const sent = await through(sender, SEND_CAMERA, video(frames));
  const old = await through(leftBehind, RECEIVE_VIDEO, copies(sent.out));
  assert.deepEqual(bytes((await through(receiver, RECEIVE_VIDEO, sent.out)).out), frames);
  assert.equal(old.out.length, 0);
  assert.equal(leftBehind.stats().dropped.unknown_key, 3);
});

test('E2EE-FRAME: clear forgets the group: nothing is sent or received until a new group installs keys, and the counts go on', async () => {
  const sender = member(0, key(1));
  const receiver = member(1, key(1));
  await through(sender, SEND_CAMERA, video(vp8Frames(2)));
  sender.clear();
  receiver.clear();
  const silent = await through(sender, SEND_CAMERA, video(vp8Frames(2)));
  assert.equal(silent.out.length, 0);
  assert.equal(sender.stats().encrypted, 2);
  assert.equal(sender.stats().withheld, 2);

  // A new group, where this member has another leaf, starting at epoch 0 again.
  sender.install(0n, key(9), 3);
  sender.activate(0n);
  receiver.install(0n, key(9), 4);
  const frames = vp8Frames(2);
  const sent = await through(sender, SEND_CAMERA, video(frames));
  assert.deepEqual(bytes((await through(receiver, RECEIVE_VIDEO, sent.out)).out), frames);
  assert.equal(sender.stats().encrypted, 4);
});

test('E2EE-FRAME: a frame that does not name its codec is taken as Opus (audio) or VP8 (video)', async () => {
  const sender = member(0, key(5));
  const receiver = member(1, key(5));
  const audio = [crypto.getRandomValues(new Uint8Array(80)), crypto.getRandomValues(new Uint8Array(90))];
  const sentAudio = await through(
    sender,
    { side: 'send', stream: 'audio' },
    audio.map((a) => new FakeFrame(a.slice().buffer)),
  );
  const gotAudio = await through(receiver, { side: 'receive', kind: 'audio' }, sentAudio.out);
  assert.deepEqual(bytes(gotAudio.out), audio);

  const frames = vp8Frames(2);
  const sent = await through(sender, SEND_CAMERA, video(frames, undefined));
  assert.deepEqual(bytes(sent.out)[0]!.subarray(0, 10), frames[0]!.subarray(0, 10), 'VP8 clear bytes');
  assert.deepEqual(bytes((await through(receiver, RECEIVE_VIDEO, sent.out)).out), frames);
});

test('E2EE-FRAME: H.264 frames are never sent (reported once) and received ones are counted malformed', async () => {
  const sender = member(0, key(5));
  const sent = await through(sender, SEND_CAMERA, video(vp8Frames(3), 'video/H264'));
  assert.equal(sent.out.length, 0);
  assert.equal(sent.reports.length, 1);
  assert.match(sent.reports[0]!, /H264.*cannot be end-to-end encrypted/);
  const receiver = member(1, key(5));
  const received = await through(receiver, RECEIVE_VIDEO, video(vp8Frames(2), 'video/H264'));
  assert.equal(received.out.length, 0);
  assert.equal(receiver.stats().dropped.malformed, 2);
});

test('E2EE-FRAME: an epoch for another leaf of the same group is refused', () => {
  const keys = member(2, key(1));
  assert.throws(() => keys.install(2n, key(2), 5), /leaf 5.*leaf 2/);
  assert.throws(() => new WorkerKeys().activate(1n), /not installed/);
});

test('E2EE-ROTATE: the worker says once per switch when its frames start going out under the new epoch, and only then', async () => {
  const heard: bigint[] = [];
  const keys = new WorkerKeys((epoch) => heard.push(epoch));
  keys.install(1n, key(1), 0);
  keys.activate(1n);
  assert.deepEqual(heard, [], 'activated, but nothing sent yet');
  await through(keys, SEND_CAMERA, video(vp8Frames(3)));
  await through(keys, { side: 'send', stream: 'audio' }, [new FakeFrame(new Uint8Array(40).buffer)]);
  keys.install(2n, key(2), 0);
  await through(keys, SEND_CAMERA, video(vp8Frames(2)));
  assert.deepEqual(heard, [1n], 'installed is not sending: frames still go out under epoch 1');
  keys.activate(2n);
  await through(keys, SEND_CAMERA, video(vp8Frames(2)));
  assert.deepEqual(heard, [1n, 2n]);
  // A new group may start at epoch 0 again, or reuse a number: it is a new switch all the same.
  keys.clear();
  keys.install(2n, key(3), 0);
  keys.activate(2n);
  await through(keys, SEND_CAMERA, video(vp8Frames(1)));
  assert.deepEqual(heard, [1n, 2n, 2n]);
});
