import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CipherSuite,
  decodeHeader,
  deriveSFrameKey,
  MEDIA_BASE_KEY_LENGTH,
  MEDIA_SUITE,
  mediaCodec,
  MediaKeyRing,
  SFrameSender,
  UnsupportedCodecError,
  type MediaCodec,
} from '../src/index';
import { clearLength } from '../src/media/codecs';
import { encodeKid, MEDIA_KID_LAYOUT, parseKid } from '../src/media/kid';

/** A distinct key per epoch (the epoch in its first 8 bytes), as the MLS exporter would give. */
const baseKey = (epoch: bigint) =>
  Uint8Array.from({ length: MEDIA_BASE_KEY_LENGTH }, (_, i) =>
    i < 8 ? Number((epoch >> BigInt(8 * i)) & 0xffn) : 0xa5 ^ i,
  );
const MARKER = 'secret picture content';

/** A frame of `codec` whose payload holds MARKER; VP8 frames start with a key or delta frame tag. */
function mediaFrame(codec: MediaCodec, kind: 'key' | 'delta' = 'delta', length = 64): Uint8Array {
  const frame = new Uint8Array(length).map((_, i) => (i * 13 + 5) & 0xff);
  frame.set(new TextEncoder().encode(MARKER), 20);
  // VP8 frame tag: bit 0 clear on key frames.
  if (codec === 'vp8') frame[0] = kind === 'key' ? 0x50 : 0x51;
  return frame;
}

const contains = (haystack: Uint8Array, needle: string) =>
  Buffer.from(haystack).includes(Buffer.from(needle));

/** The SFrame part of a sent frame, after the clear bytes. */
const sframeOf = (codec: MediaCodec, sent: Uint8Array) => sent.subarray(clearLength(codec, sent));

/** Members of one group on a shared clock, all with `epochs` installed and the last activated. */
function group(indices: number[], epochs: bigint[], options: { overlapMs?: number } = {}) {
  const clock = { t: 1_000 };
  const rings = indices.map(
    (senderIndex) => new MediaKeyRing({ senderIndex, now: () => clock.t, ...options }),
  );
  for (const ring of rings) {
    for (const e of epochs) ring.install(e, baseKey(e));
    ring.activate(epochs[epochs.length - 1]!);
  }
  return { clock, rings };
}

const outcome = async (ring: MediaKeyRing, codec: MediaCodec, frame: Uint8Array) => {
  const r = await ring.decrypt(codec, frame);
  return r.ok ? `ok from ${r.senderIndex} epoch ${r.epoch}` : r.reason;
};

describe('E2EE media frames', () => {
  test('E2EE-KEYX: KIDs are laid out as RFC 9605 §5.2 says (epoch 14, index 3, E = 4 gives 0x3e), then with S = 16, E = 8', () => {
    const rfc = { senderBits: 6, epochBits: 4 };
    assert.equal(encodeKid(0, 3, 14n, rfc), 0x3en);
    assert.equal(encodeKid(1, 3, 14n, rfc), 0x43en, 'the context sits above S + E bits');
    assert.equal(encodeKid(0, 3, 30n, rfc), 0x3en, 'only the low E bits of the epoch');
    assert.deepEqual(parseKid(0x43en, rfc), { context: 1, senderIndex: 3, epochBits: 14 });

    assert.deepEqual(MEDIA_KID_LAYOUT, { senderBits: 16, epochBits: 8 });
    assert.equal(encodeKid(2, 65535, 257n), 0x02ffff01n);
    assert.equal(encodeKid(0, 3, 14n), 0x030en);
    assert.deepEqual(parseKid(0x02ffff01n), { context: 2, senderIndex: 65535, epochBits: 1 });
    assert.throws(() => encodeKid(0, 65536, 0n), RangeError);
    assert.throws(() => new MediaKeyRing({ senderIndex: 65536 }), RangeError);
    assert.equal(MEDIA_SUITE, CipherSuite.AES_128_GCM_SHA256_128);
    assert.equal(MEDIA_BASE_KEY_LENGTH, 16);
  });

  test('E2EE-FRAME: Opus and VP9 frames are all encrypted; VP8 leaves 1 byte in clear on delta frames, 10 on key frames', async () => {
    const {
      rings: [alice, bob],
    } = group([0, 1], [1n]);
    const cases: Array<[MediaCodec, 'key' | 'delta', number]> = [
      ['opus', 'delta', 0],
      ['vp9', 'key', 0],
      ['vp8', 'key', 10],
      ['vp8', 'delta', 1],
    ];
    for (const [codec, kind, clear] of cases) {
      const frame = mediaFrame(codec, kind);
      const sent = (await alice!.encryptor(codec === 'opus' ? 'audio' : 'camera').encrypt(codec, frame))!;
      const what = `${codec} ${kind}`;
      assert.deepEqual(sent.subarray(0, clear), frame.subarray(0, clear), `${what}: clear bytes kept`);
      assert.notEqual(sent[clear], frame[clear], `${what}: the SFrame header follows the clear bytes`);
      assert.ok(!contains(sent, MARKER), `${what}: the payload is not readable`);
      const received = await bob!.decrypt(codec, sent);
      assert.ok(received.ok, what);
      assert.deepEqual(received.frame, frame, `${what}: the decoder gets the frame as it was`);
      assert.equal(received.senderIndex, 0);
      assert.equal(received.stream, codec === 'opus' ? 'audio' : 'camera');
    }
    assert.equal(clearLength('vp8', Uint8Array.of(0x50, 1, 2)), 3, 'never more than the frame');
    assert.equal(clearLength('vp8', new Uint8Array(0)), 0);
    assert.deepEqual(bob!.stats(), {
      encrypted: 0,
      decrypted: 4,
      withheld: 0,
      dropped: { malformed: 0, unknown_key: 0, replayed: 0, too_old: 0, auth_failed: 0 },
    });
    assert.equal(alice!.stats().encrypted, 4);
  });

  test('E2EE-FRAME: H.264, AV1 and other codecs are refused with a typed error', () => {
    assert.equal(mediaCodec('audio/opus'), 'opus');
    assert.equal(mediaCodec('video/VP8'), 'vp8');
    assert.equal(mediaCodec('VP9'), 'vp9');
    for (const mime of ['video/H264', 'video/AV1', 'audio/red', 'video/H265']) {
      assert.throws(
        () => mediaCodec(mime),
        (err) => err instanceof UnsupportedCodecError && err.codec === mime,
      );
    }
  });

  test('E2EE-FRAME: a changed clear byte, a moved clear boundary or another codec makes the frame drop', async () => {
    const {
      rings: [alice, bob],
    } = group([0, 1], [1n]);
    const camera = alice!.encryptor('camera');
    const key = (await camera.encrypt('vp8', mediaFrame('vp8', 'key')))!;
    for (let i = 1; i < 10; i++) {
      const tampered = key.slice();
      tampered[i]! ^= 0x04;
      assert.equal(await outcome(bob!, 'vp8', tampered), 'auth_failed', `clear byte ${i} changed`);
    }
    // Bit 0 of the frame tag moves the boundary (10 clear bytes become 1, and back).
    const delta = (await camera.encrypt('vp8', mediaFrame('vp8', 'delta', 300)))!;
    for (const sent of [key, delta]) {
      const flipped = sent.slice();
      flipped[0]! ^= 0x01;
      const r = await bob!.decrypt('vp8', flipped);
      assert.equal(r.ok, false, 'a frame whose key frame flag was flipped');
    }
    // An Opus frame (nothing in clear) given as VP8 behind one made-up clear byte: the SFrame part and
    // its KID are intact, the codec and the clear part are not.
    const opus = (await alice!.encryptor('audio').encrypt('opus', mediaFrame('opus')))!;
    const relabelled = Uint8Array.of(0x51, ...opus);
    assert.equal(await outcome(bob!, 'vp8', relabelled), 'auth_failed');
    assert.equal(await outcome(bob!, 'vp9', opus), 'auth_failed', 'the codec is authenticated');
    assert.equal(await outcome(bob!, 'opus', new Uint8Array(0)), 'malformed');

    // None of these used up a counter: the untouched frames still decrypt.
    assert.equal(await outcome(bob!, 'vp8', key), 'ok from 0 epoch 1');
    assert.equal(await outcome(bob!, 'vp8', delta), 'ok from 0 epoch 1');
    assert.equal(await outcome(bob!, 'opus', opus), 'ok from 0 epoch 1');
    const dropped = bob!.stats().dropped;
    assert.equal(dropped.auth_failed >= 11, true, JSON.stringify(dropped));
    assert.equal(
      Object.values(dropped).reduce((a, b) => a + b),
      14,
    );
  });

  test('E2EE-FRAME: a replayed frame is dropped, once per copy, even when copies arrive together', async () => {
    const {
      rings: [alice, bob],
    } = group([0, 1], [1n]);
    const audio = alice!.encryptor('audio');
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) frames.push((await audio.encrypt('opus', mediaFrame('opus')))!);
    // Bob has no key for Alice yet: these are her first frames, opened concurrently, one of them twice.
    const results = await Promise.all([...frames, frames[0]!].map((f) => bob!.decrypt('opus', f)));
    assert.equal(results.filter((r) => r.ok).length, 5);
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [{ ok: false, reason: 'replayed' }],
    );
    assert.equal(await outcome(bob!, 'opus', frames[3]!), 'replayed');
    assert.deepEqual(bob!.stats().dropped.replayed, 2);
  });

  test('E2EE-FRAME: two streams of one sender have different KIDs and never the same key and nonce', async () => {
    const {
      rings: [alice],
    } = group([7], [3n]);
    const frame = mediaFrame('vp9');
    const camera = (await alice!.encryptor('camera').encrypt('vp9', frame))!;
    const screen = (await alice!.encryptor('screen').encrypt('vp9', frame))!;
    const audio = (await alice!.encryptor('audio').encrypt('opus', frame))!;
    const headers = [audio, camera, screen].map((f) => decodeHeader(f));
    assert.deepEqual(
      headers.map((h) => parseKid(h.kid)),
      [0, 1, 2].map((context) => ({ context, senderIndex: 7, epochBits: 3 })),
    );
    assert.deepEqual(
      headers.map((h) => h.ctr),
      [0n, 0n, 0n],
      'each stream counts on its own',
    );
    // Same plaintext and counter: AES-GCM ciphertexts are equal exactly when key and nonce are.
    const bodies = [audio, camera, screen].map((f, i) => Buffer.from(f.subarray(headers[i]!.length, -16)));
    assert.equal(new Set(bodies.map((b) => b.toString('hex'))).size, 3);

    // A second encryptor of a stream continues its counter rather than starting one of its own.
    const again = (await alice!.encryptor('camera').encrypt('vp9', frame))!;
    assert.equal(decodeHeader(again).kid, headers[1]!.kid);
    assert.equal(decodeHeader(again).ctr, 1n);
  });

  test('E2EE-FRAME: only KIDs of the three stream contexts are keyed; frames under a key from another base key fail', async () => {
    const {
      rings: [bob],
    } = group([1], [1n]);
    const rogue = new SFrameSender(await deriveSFrameKey(MEDIA_SUITE, encodeKid(3, 0, 1n), baseKey(1n)));
    assert.equal(await outcome(bob!, 'opus', await rogue.encrypt(mediaFrame('opus'))), 'unknown_key');

    const outsider = new MediaKeyRing({ senderIndex: 0 });
    outsider.install(1n, new Uint8Array(MEDIA_BASE_KEY_LENGTH));
    outsider.activate(1n);
    const forged = (await outsider.encryptor('audio').encrypt('opus', mediaFrame('opus')))!;
    assert.equal(await outcome(bob!, 'opus', forged), 'auth_failed');
  });
});

describe('E2EE media epochs', () => {
  test('E2EE-ROTATE: a joiner cannot decrypt frames of an epoch from before it joined', async () => {
    const {
      rings: [alice],
    } = group([0], [1n]);
    const before = (await alice!.encryptor('audio').encrypt('opus', mediaFrame('opus')))!;
    const joiner = new MediaKeyRing({ senderIndex: 1 });
    joiner.install(2n, baseKey(2n));
    joiner.activate(2n);
    assert.equal(await outcome(joiner, 'opus', before), 'unknown_key');
    alice!.install(2n, baseKey(2n));
    alice!.activate(2n);
    const after = (await alice!.encryptor('audio').encrypt('opus', mediaFrame('opus')))!;
    assert.equal(await outcome(joiner, 'opus', after), 'ok from 0 epoch 2');
    assert.equal(joiner.stats().dropped.unknown_key, 1);
  });

  test('E2EE-ROTATE: with the next epoch installed, frames of senders on either epoch decrypt; the old one is forgotten after the overlap', async () => {
    const {
      clock,
      rings: [alice, bob, carol],
    } = group([0, 1, 2], [1n]);
    const send = async (ring: MediaKeyRing) =>
      (await ring.encryptor('camera').encrypt('vp8', mediaFrame('vp8')))!;
    const epochOf = (sent: Uint8Array) => parseKid(decodeHeader(sframeOf('vp8', sent)).kid).epochBits;

    // Epoch 2: Bob prepares it; Alice already switched; Carol is late.
    bob!.install(2n, baseKey(2n));
    alice!.install(2n, baseKey(2n));
    alice!.activate(2n);
    assert.equal(epochOf(await send(bob!)), 1, 'installing does not switch the sender');
    assert.equal(await outcome(bob!, 'vp8', await send(alice!)), 'ok from 0 epoch 2');
    assert.equal(await outcome(bob!, 'vp8', await send(carol!)), 'ok from 2 epoch 1');

    bob!.activate(2n);
    assert.equal(epochOf(await send(bob!)), 2);
    clock.t += 9_999;
    assert.equal(await outcome(bob!, 'vp8', await send(carol!)), 'ok from 2 epoch 1', 'within the overlap');
    clock.t += 1;
    assert.equal(await outcome(bob!, 'vp8', await send(carol!)), 'unknown_key', 'after the overlap');
    assert.equal(await outcome(bob!, 'vp8', await send(alice!)), 'ok from 0 epoch 2');
  });

  test('E2EE-ROTATE: the overlap is configurable', async () => {
    const {
      clock,
      rings: [alice, bob],
    } = group([0, 1], [4n], { overlapMs: 2_000 });
    const old = (await alice!.encryptor('audio').encrypt('opus', mediaFrame('opus')))!;
    bob!.install(5n, baseKey(5n));
    bob!.activate(5n);
    clock.t += 2_000;
    assert.equal(await outcome(bob!, 'opus', old), 'unknown_key');
  });

  test('E2EE-ROTATE: an epoch with the same low 8 bits as a held one replaces it', async () => {
    const {
      rings: [alice, bob],
    } = group([0, 1], [3n]);
    const audio = alice!.encryptor('audio');
    await audio.encrypt('opus', mediaFrame('opus'));
    // Counter 1: ahead of epoch 259's first frame, so the replay window lets it through to the AEAD.
    const onEpoch3 = (await audio.encrypt('opus', mediaFrame('opus')))!;
    for (const ring of [alice!, bob!]) {
      ring.install(259n, baseKey(259n));
      ring.activate(259n);
    }
    const onEpoch259 = (await audio.encrypt('opus', mediaFrame('opus')))!;
    assert.equal(parseKid(decodeHeader(onEpoch259).kid).epochBits, 3, 'same KID as epoch 3');
    assert.equal(await outcome(bob!, 'opus', onEpoch259), 'ok from 0 epoch 259');
    // Epoch 3 is gone at once, overlap or not: its KIDs now lead to epoch 259's keys.
    assert.equal(await outcome(bob!, 'opus', onEpoch3), 'auth_failed');
  });

  test('E2EE-ROTATE: counters never restart under a key: no second activation of an epoch, and nothing sent after leaving', async () => {
    const {
      rings: [alice, bob],
    } = group([0, 1], [1n]);
    const audio = alice!.encryptor('audio');
    const first = (await audio.encrypt('opus', mediaFrame('opus')))!;
    alice!.activate(1n);
    assert.equal(decodeHeader((await audio.encrypt('opus', mediaFrame('opus')))!).ctr, 1n);
    assert.throws(() => alice!.activate(5n), RangeError, 'not installed');

    alice!.forgetAll();
    assert.equal(await audio.encrypt('opus', mediaFrame('opus')), null);
    assert.equal(alice!.stats().withheld, 1);
    assert.equal(await outcome(alice!, 'opus', first), 'unknown_key');
    alice!.install(1n, baseKey(1n));
    assert.throws(() => alice!.activate(1n), RangeError);

    assert.throws(() => bob!.install(0n, baseKey(0n)), RangeError, 'older than the active epoch');
    assert.throws(() => bob!.install(1n, baseKey(9n)), /another key/);
    assert.throws(() => bob!.install(2n, new Uint8Array(32)), RangeError);
  });
});
