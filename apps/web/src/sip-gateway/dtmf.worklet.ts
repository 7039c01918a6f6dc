/**
 * The gateway page's AudioWorklet that hears keypad tones (INTEROP-PSTN): every sample of the caller's
 * audio, on the audio rendering thread, so a busy page's timers cannot make it miss a key. It looks
 * at the last WINDOW samples every HOP and posts each key pressed.
 */
import { DtmfDetector } from './dtmf';

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not declare.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** About 43 ms at 48 kHz: long enough to tell the DTMF tones apart. */
const WINDOW = 2048;
/** Seven render quanta (about 19 ms): windows overlap, so every press fills two of them. */
const HOP = 7 * 128;

class DtmfListener extends AudioWorkletProcessor {
  private readonly window = new Float32Array(WINDOW);
  private sinceLook = 0;
  private readonly detector = new DtmfDetector(sampleRate, (key) => this.port.postMessage(key));

  process(inputs: Float32Array[][]): boolean {
    const samples = inputs[0]?.[0];
    if (!samples) return true;
    this.window.copyWithin(0, samples.length);
    this.window.set(samples, WINDOW - samples.length);
    this.sinceLook += samples.length;
    if (this.sinceLook >= HOP) {
      this.sinceLook -= HOP;
      this.detector.push(this.window);
    }
    return true;
  }
}

registerProcessor('dtmf-listener', DtmfListener);
