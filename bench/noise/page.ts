/**
 * The page of the noise suppression benchmark (noise.ts; bundled by test/e2e/support/page-server.ts with
 * the SDK's worklet beside it as /noise-suppression.worklet.ts). Everything it offers is on
 * `window.noiseBench`.
 */
import { NoiseSuppressionProcessor } from '../../packages/client/src/effects/noise-suppression';
import { RNNOISE_WORKLET } from '../../packages/client/src/effects/rnnoise-frames';

const RATE = 48_000;
const WORKLET = '/noise-suppression.worklet.ts';

/** Renders `seconds` of white noise through RNNoise, or through a plain gain node; wall time in ms. */
async function renderOffline(seconds: number, rnnoise: boolean): Promise<number> {
  const context = new OfflineAudioContext(1, seconds * RATE, RATE);
  const noise = context.createBuffer(1, seconds * RATE, RATE);
  const data = noise.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * 0.3;
  const source = context.createBufferSource();
  source.buffer = noise;
  let node: AudioNode = context.createGain();
  if (rnnoise) {
    await context.audioWorklet.addModule(WORKLET);
    const worklet = new AudioWorkletNode(context, RNNOISE_WORKLET, { outputChannelCount: [1] });
    // RNNoise is compiled in the processor's constructor: not part of what is measured.
    await new Promise<void>((resolve, reject) => {
      worklet.port.onmessage = (event: MessageEvent<{ type: string }>) =>
        event.data.type === 'ready' ? resolve() : reject(new Error(JSON.stringify(event.data)));
    });
    node = worklet;
  }
  source.connect(node).connect(context.destination);
  source.start();
  const start = performance.now();
  await context.startRendering();
  return performance.now() - start;
}

/** A live microphone-like track of white noise. */
function noiseTrack(context: AudioContext): MediaStreamTrack {
  const buffer = context.createBuffer(1, RATE, RATE);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * 0.3;
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.loop = true;
  source.start();
  const destination = context.createMediaStreamDestination();
  source.connect(destination);
  return destination.stream.getAudioTracks()[0]!;
}

const noiseBench = {
  renderOffline,

  /** Milliseconds from process() to the denoised track (new context, worklet loaded, RNNoise compiled). */
  async startUp(): Promise<number> {
    const context = new AudioContext({ sampleRate: RATE });
    const input = noiseTrack(context);
    const processor = new NoiseSuppressionProcessor({ workletUrl: WORKLET });
    const start = performance.now();
    await processor.process(input);
    const ms = performance.now() - start;
    processor.stop();
    input.stop();
    await context.close();
    return ms;
  },
};

declare global {
  interface Window {
    noiseBench: typeof noiseBench;
  }
}

window.noiseBench = noiseBench;
