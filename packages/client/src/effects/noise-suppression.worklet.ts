/**
 * The AudioWorklet module of NoiseSuppressionProcessor: RNNoise (`@jitsi/rnnoise-wasm`, compiled into
 * this module's bundle, so nothing is fetched from anywhere) on the microphone's samples, on the audio
 * rendering thread. Mono in, mono out, at the context's 48 kHz; 448 samples (9.3 ms) of delay from
 * re-blocking WebAudio's 128-sample quanta into RNNoise's 480-sample frames.
 */
import createRNNWasmModuleSync from '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js';
import type { FromNoiseWorklet, ToNoiseWorklet } from './noise-suppression';
import {
  Denoiser,
  FrameBlocker,
  RNNOISE_FRAME,
  RNNOISE_SAMPLE_RATE,
  RNNOISE_WORKLET,
} from './rnnoise-frames';

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not declare.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** WebAudio's render quantum. */
const QUANTUM = 128;

class RnnoiseProcessor extends AudioWorkletProcessor {
  private denoiser: Denoiser | undefined;
  private blocker: FrameBlocker | undefined;
  private stopped = false;
  private readonly silence = new Float32Array(QUANTUM);

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<ToNoiseWorklet>) => {
      if (event.data.type === 'stop') this.stop();
    };
    try {
      if (sampleRate !== RNNOISE_SAMPLE_RATE)
        throw new Error(`RNNoise needs 48 kHz, the context runs at ${sampleRate} Hz`);
      const denoiser = new Denoiser(createRNNWasmModuleSync());
      this.denoiser = denoiser;
      this.blocker = new FrameBlocker(RNNOISE_FRAME, QUANTUM, (frame) => denoiser.process(frame));
      this.post({ type: 'ready', latency: this.blocker.latency });
    } catch (error) {
      this.stopped = true;
      this.post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const output = outputs[0]?.[0];
    if (!output || !this.blocker) return true;
    // No input connected (or the microphone ended): its channels are absent; keep RNNoise's state going.
    const input = inputs[0]?.[0] ?? this.silence;
    if (input.length !== QUANTUM) return true;
    this.blocker.process(input, output);
    return true;
  }

  private stop(): void {
    this.stopped = true;
    this.denoiser?.destroy();
    this.denoiser = undefined;
  }

  private post(message: FromNoiseWorklet): void {
    this.port.postMessage(message);
  }
}

registerProcessor(RNNOISE_WORKLET, RnnoiseProcessor);
