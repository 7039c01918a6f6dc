import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Denoiser, FrameBlocker, RNNOISE_FRAME, type RnnoiseModule } from '../src/effects/rnnoise-frames';

/** `count` WebAudio quanta of a signal whose every sample is distinct: sample i is i / 100 000. */
function quanta(count: number): Float32Array[] {
  return Array.from({ length: count }, (_, q) =>
    Float32Array.from({ length: 128 }, (_, i) => (q * 128 + i) / 100_000),
  );
}

test('MEET-QUALITY: noise suppression re-blocks 128-sample quanta into whole 480-sample frames, in order', () => {
  const frames: Float32Array[] = [];
  const blocker = new FrameBlocker(480, 128, (frame) => frames.push(frame.slice()));
  const out = new Float32Array(128);
  for (const quantum of quanta(15)) blocker.process(quantum, out);
  // 15 quanta are 1920 samples: exactly four frames, each the next 480 input samples.
  assert.equal(frames.length, 4);
  frames.forEach((frame, f) => {
    assert.equal(frame.length, RNNOISE_FRAME);
    assert.equal(frame[0], Math.fround((f * 480) / 100_000), `frame ${f} starts at sample ${f * 480}`);
    assert.equal(frame[479], Math.fround((f * 480 + 479) / 100_000));
  });
});

test('MEET-QUALITY: the re-blocked output is the processed input 448 samples (9.3 ms) later, with no gap', () => {
  const blocker = new FrameBlocker(480, 128, (frame) => {
    for (let i = 0; i < frame.length; i++) frame[i] = -frame[i]!;
  });
  assert.equal(blocker.latency, 448);
  const input = quanta(60);
  const output: number[] = [];
  for (const quantum of input) {
    const out = new Float32Array(128);
    blocker.process(quantum, out);
    output.push(...out);
  }
  const flat = input.flatMap((q) => [...q]);
  assert.deepEqual(output.slice(0, 448), new Array(448).fill(0), 'silence while the first frame fills');
  for (let i = 448; i < output.length; i++) {
    if (output[i] !== -flat[i - 448]!)
      assert.fail(`sample ${i} is ${output[i]}, expected ${-flat[i - 448]!}`);
  }
});

test('MEET-QUALITY: the re-blocking works for other sizes too, and refuses a block of the wrong size', () => {
  // A 256-sample block: gcd(480, 256) = 32, so 448 samples again; 480 and 160 line up: 320.
  for (const [block, latency] of [
    [256, 448],
    [160, 320],
    [960, 0],
  ] as const) {
    const blocker = new FrameBlocker(480, block, () => undefined);
    assert.equal(blocker.latency, latency, `block ${block}`);
    const input = Float32Array.from({ length: block * 20 }, (_, i) => i + 1);
    const output: number[] = [];
    for (let at = 0; at < input.length; at += block) {
      const out = new Float32Array(block);
      blocker.process(input.subarray(at, at + block), out);
      output.push(...out);
    }
    assert.deepEqual(output.slice(latency), [...input.subarray(0, input.length - latency)], `block ${block}`);
  }
  const blocker = new FrameBlocker(480, 128, () => undefined);
  assert.throws(() => blocker.process(new Float32Array(64), new Float32Array(64)), RangeError);
});

/**
 * An RNNoise module whose "network" halves every sample and says 0.75 for voice; it records the
 * values it was given, and grows its memory (a new HEAPF32) during each frame, as Emscripten may.
 */
class FakeRnnoise implements RnnoiseModule {
  HEAPF32 = new Float32Array(4096);
  seen: number[] = [];
  freed: number[] = [];
  destroyed: number[] = [];

  _malloc(): number {
    return 1024; // bytes: float index 256
  }
  _free(pointer: number): void {
    this.freed.push(pointer);
  }
  _rnnoise_create(): number {
    return 7;
  }
  _rnnoise_destroy(state: number): void {
    this.destroyed.push(state);
  }
  _rnnoise_process_frame(state: number, output: number, input: number): number {
    assert.equal(state, 7);
    const from = input / 4;
    this.seen = [...this.HEAPF32.subarray(from, from + RNNOISE_FRAME)];
    const grown = new Float32Array(8192);
    grown.set(this.HEAPF32);
    this.HEAPF32 = grown;
    for (let i = 0; i < RNNOISE_FRAME; i++) grown[output / 4 + i] = this.seen[i]! / 2;
    return 0.75;
  }
}

test('MEET-QUALITY: RNNoise gets samples in the 16-bit range and its output comes back in [-1, 1]', () => {
  const rnnoise = new FakeRnnoise();
  const denoiser = new Denoiser(rnnoise);
  const frame = Float32Array.from({ length: RNNOISE_FRAME }, (_, i) => (i % 2 === 0 ? 0.5 : -0.25));
  frame[0] = 1;
  denoiser.process(frame);
  assert.equal(rnnoise.seen[0], 32_768, 'full scale is 32768');
  assert.equal(rnnoise.seen[2], 16_384);
  assert.equal(rnnoise.seen[1], -8_192);
  assert.equal(frame[0], 0.5, 'read back from the grown memory, scaled down');
  assert.equal(frame[2], 0.25);
  assert.equal(frame[1], -0.125);
  assert.equal(denoiser.voiceProbability, 0.75);

  denoiser.destroy();
  denoiser.destroy();
  assert.deepEqual(rnnoise.destroyed, [7], 'the state is freed once');
  assert.deepEqual(rnnoise.freed, [1024]);
  frame.fill(0.5);
  denoiser.process(frame);
  assert.ok(
    frame.every((s) => s === 0),
    'after destroy the frames are silent',
  );
});

test('MEET-QUALITY: output beyond full scale is clipped to [-1, 1]', () => {
  const rnnoise = new FakeRnnoise();
  rnnoise._rnnoise_process_frame = (_state, output) => {
    rnnoise.HEAPF32.fill(40_000, output / 4, output / 4 + RNNOISE_FRAME);
    rnnoise.HEAPF32[output / 4 + 1] = -40_000;
    return 0;
  };
  const frame = new Float32Array(RNNOISE_FRAME);
  new Denoiser(rnnoise).process(frame);
  assert.equal(frame[0], 1);
  assert.equal(frame[1], -1);
});
