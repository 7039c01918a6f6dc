/**
 * The arithmetic between WebAudio and RNNoise, kept out of the AudioWorklet so it can be tested without
 * one: WebAudio hands the worklet 128-sample quanta of floats in [-1, 1]; RNNoise takes 480-sample
 * frames (10 ms at 48 kHz) of floats in the 16-bit range [-32768, 32767].
 */

/** The name noise-suppression.worklet.ts registers its AudioWorkletProcessor under. */
export const RNNOISE_WORKLET = 'conclave-rnnoise';
/** Samples in one RNNoise frame: 10 ms at the 48 kHz RNNoise is trained for. */
export const RNNOISE_FRAME = 480;
/** RNNoise's only sample rate. */
export const RNNOISE_SAMPLE_RATE = 48_000;
/** RNNoise works on 16-bit PCM values stored as floats. */
const PCM16_SCALE = 32_768;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Turns a stream of fixed-size blocks (the worklet's quanta) into frames of another size, processed in
 * place by `processFrame`, and back. The output is the processed input delayed by `latency` samples,
 * which is the least delay that never leaves a quantum without processed samples: 448 samples (9.3 ms)
 * for 128 → 480, since a quantum may end 448 samples into a frame that is not complete yet.
 */
export class FrameBlocker {
  readonly latency: number;
  private readonly frame: Float32Array;
  private filled = 0;
  /** Processed samples waiting to go out, as a ring. */
  private readonly ring: Float32Array;
  private readFrom = 0;
  private queued: number;

  constructor(
    private readonly frameSize: number,
    private readonly blockSize: number,
    private readonly processFrame: (frame: Float32Array) => void,
  ) {
    this.latency = frameSize - gcd(frameSize, blockSize);
    this.frame = new Float32Array(frameSize);
    this.ring = new Float32Array(frameSize + blockSize + this.latency);
    // The delay: silence goes out until the first frame is processed.
    this.queued = this.latency;
  }

  /** Takes one block of input and fills `output` (same length) with processed samples. */
  process(input: Float32Array, output: Float32Array): void {
    if (input.length !== this.blockSize || output.length !== this.blockSize) {
      throw new RangeError(`blocks are ${this.blockSize} samples, got ${input.length} → ${output.length}`);
    }
    let taken = 0;
    while (taken < input.length) {
      const n = Math.min(this.frameSize - this.filled, input.length - taken);
      this.frame.set(input.subarray(taken, taken + n), this.filled);
      this.filled += n;
      taken += n;
      if (this.filled === this.frameSize) {
        this.processFrame(this.frame);
        this.enqueue(this.frame);
        this.filled = 0;
      }
    }
    for (let i = 0; i < output.length; i++) {
      output[i] = this.ring[this.readFrom]!;
      this.readFrom = (this.readFrom + 1) % this.ring.length;
    }
    this.queued -= output.length;
  }

  private enqueue(samples: Float32Array): void {
    let at = (this.readFrom + this.queued) % this.ring.length;
    for (const sample of samples) {
      this.ring[at] = sample;
      at = (at + 1) % this.ring.length;
    }
    this.queued += samples.length;
  }
}

/** The parts of the Emscripten module of `@jitsi/rnnoise-wasm` that denoising uses. */
export interface RnnoiseModule {
  /** The wasm memory as floats; replaced when the memory grows, so read it afresh each time. */
  readonly HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** A denoiser state with the built-in model (0). */
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  /** Denoises one 480-sample frame from `input` into `output`; returns the voice probability. */
  _rnnoise_process_frame(state: number, output: number, input: number): number;
}

/** One RNNoise denoiser working on float frames in [-1, 1]. */
export class Denoiser {
  private state: number;
  private readonly pointer: number;
  /** The last frame's probability that it holds a voice, 0–1. */
  voiceProbability = 0;

  constructor(private readonly module: RnnoiseModule) {
    this.state = module._rnnoise_create(0);
    this.pointer = module._malloc(RNNOISE_FRAME * Float32Array.BYTES_PER_ELEMENT);
  }

  /** Denoises `frame` (480 samples) in place. */
  process(frame: Float32Array): void {
    if (frame.length !== RNNOISE_FRAME) throw new RangeError(`RNNoise frames are ${RNNOISE_FRAME} samples`);
    if (this.state === 0) {
      frame.fill(0);
      return;
    }
    const index = this.pointer / Float32Array.BYTES_PER_ELEMENT;
    const heap = this.module.HEAPF32;
    for (let i = 0; i < RNNOISE_FRAME; i++) heap[index + i] = frame[i]! * PCM16_SCALE;
    this.voiceProbability = this.module._rnnoise_process_frame(this.state, this.pointer, this.pointer);
    const out = this.module.HEAPF32;
    for (let i = 0; i < RNNOISE_FRAME; i++) {
      frame[i] = Math.max(-1, Math.min(1, out[index + i]! / PCM16_SCALE));
    }
  }

  /** Frees the state; later frames come out silent. */
  destroy(): void {
    if (this.state === 0) return;
    this.module._rnnoise_destroy(this.state);
    this.module._free(this.pointer);
    this.state = 0;
  }
}
