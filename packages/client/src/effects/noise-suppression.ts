import { SerialQueue } from '../serial';
import { EffectUnavailableError, type TrackProcessor } from './processor';
import { RNNOISE_SAMPLE_RATE, RNNOISE_WORKLET } from './rnnoise-frames';

/** What NoiseSuppressionProcessor tells its worklet (noise-suppression.worklet.ts). */
export type ToNoiseWorklet = { type: 'stop' };

/** What the worklet answers once constructed: RNNoise runs, or it could not start. */
export type FromNoiseWorklet = { type: 'ready'; latency: number } | { type: 'failed'; message: string };

export interface NoiseSuppressionOptions {
  /**
   * Where the page loads the worklet module from. By default the bundle beside the SDK's own
   * (`noise-suppression.worklet.js` in the package; the web app's build names its own), which has
   * RNNoise's WebAssembly inside it, so nothing is loaded from another host.
   */
  workletUrl?: string | URL;
}

/** How long the worklet may take to compile RNNoise before the effect counts as unavailable. */
const READY_TIMEOUT_MS = 10_000;

interface Pipeline {
  context: AudioContext;
  node: AudioWorkletNode;
}

/**
 * Noise suppression with RNNoise (a small recurrent network, `@jitsi/rnnoise-wasm`) in an AudioWorklet:
 * microphone → MediaStreamAudioSourceNode → RNNoise at 48 kHz → MediaStreamAudioDestinationNode → the
 * track to send. Stronger than the browser's own suppression on steady noise (fans, hum, traffic), at
 * the cost of 9.3 ms of delay and a little CPU on the audio thread. The output is mono. Best started
 * from a user gesture, as browsers may hold an AudioContext silent until the page was interacted with.
 *
 *   const rnnoise = new NoiseSuppressionProcessor();
 *   const denoised = await rnnoise.process(microphone); // EffectUnavailableError: send `microphone`
 */
export class NoiseSuppressionProcessor implements TrackProcessor {
  readonly kind = 'audio';
  readonly name = 'rnnoise';
  private readonly queue = new SerialQueue();
  private pipeline: Pipeline | undefined;
  private source: MediaStreamAudioSourceNode | undefined;
  private destination: MediaStreamAudioDestinationNode | undefined;
  /** Bumped by stop(), so a start still under way knows it was stopped. */
  private generation = 0;

  constructor(private readonly options: NoiseSuppressionOptions = {}) {}

  /** Whether this browser has what the processor needs (AudioWorklet and WebAssembly). */
  static isSupported(): boolean {
    return (
      typeof AudioContext !== 'undefined' &&
      typeof AudioWorkletNode !== 'undefined' &&
      typeof WebAssembly !== 'undefined'
    );
  }

  process(input: MediaStreamTrack): Promise<MediaStreamTrack> {
    if (input.kind !== 'audio') {
      return Promise.reject(new TypeError(`noise suppression needs an audio track, got ${input.kind}`));
    }
    const generation = this.generation;
    return this.queue.run(async () => {
      if (!this.pipeline) {
        const pipeline = await openPipeline(this.options.workletUrl);
        if (generation !== this.generation) {
          closePipeline(pipeline);
          throw new DOMException('Noise suppression was stopped while it started', 'AbortError');
        }
        this.pipeline = pipeline;
      }
      const { context, node } = this.pipeline;
      const source = context.createMediaStreamSource(new MediaStream([input]));
      const destination = context.createMediaStreamDestination();
      destination.channelCount = 1;
      source.connect(node);
      node.connect(destination);
      this.disconnectInput();
      this.source = source;
      this.destination = destination;
      const [output] = destination.stream.getAudioTracks();
      if (!output) throw new EffectUnavailableError('The audio context gave no output track');
      return output;
    });
  }

  stop(): void {
    this.generation++;
    this.disconnectInput();
    if (this.pipeline) closePipeline(this.pipeline);
    this.pipeline = undefined;
  }

  /** Detaches the current input and ends the output that came from it. */
  private disconnectInput(): void {
    this.source?.disconnect();
    if (this.destination) {
      this.pipeline?.node.disconnect(this.destination);
      for (const track of this.destination.stream.getTracks()) track.stop();
    }
    this.source = undefined;
    this.destination = undefined;
  }
}

async function openPipeline(workletUrl: string | URL | undefined): Promise<Pipeline> {
  if (!NoiseSuppressionProcessor.isSupported()) {
    throw new EffectUnavailableError('This browser has no AudioWorklet or WebAssembly');
  }
  let context: AudioContext;
  try {
    context = new AudioContext({ sampleRate: RNNOISE_SAMPLE_RATE, latencyHint: 'interactive' });
  } catch (cause) {
    throw new EffectUnavailableError('This device cannot run audio at 48 kHz', { cause });
  }
  try {
    if (context.sampleRate !== RNNOISE_SAMPLE_RATE) {
      throw new EffectUnavailableError(`This device runs audio at ${context.sampleRate} Hz, not 48 kHz`);
    }
    // Absent outside a secure context, which TypeScript's DOM library does not say.
    const worklet = (context as Partial<Pick<AudioContext, 'audioWorklet'>>).audioWorklet;
    if (!worklet) throw new EffectUnavailableError('AudioWorklet needs a secure context (https)');
    const url = workletUrl ?? new URL('./noise-suppression.worklet.ts', import.meta.url);
    try {
      await worklet.addModule(url);
    } catch (cause) {
      throw new EffectUnavailableError(`The noise suppression worklet did not load from ${String(url)}`, {
        cause,
      });
    }
    const node = new AudioWorkletNode(context, RNNOISE_WORKLET, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      // A stereo microphone is mixed down to mono before RNNoise.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    await workletReady(node);
    // Nothing to wait for: a context held by the autoplay policy starts with the page's next gesture.
    void context.resume().catch(() => undefined);
    return { context, node };
  } catch (error) {
    void context.close().catch(() => undefined);
    throw error instanceof EffectUnavailableError
      ? error
      : new EffectUnavailableError('Noise suppression could not start', { cause: error });
  }
}

/** Resolves once the worklet has RNNoise running; rejects if it could not (e.g. no WebAssembly). */
function workletReady(node: AudioWorkletNode): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new EffectUnavailableError(`RNNoise did not start within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    const onMessage = (event: MessageEvent<FromNoiseWorklet>): void => {
      finish();
      if (event.data.type === 'ready') resolve();
      else reject(new EffectUnavailableError(`RNNoise could not start: ${event.data.message}`));
    };
    const onError = (): void => {
      finish();
      reject(new EffectUnavailableError('The noise suppression worklet failed'));
    };
    const finish = (): void => {
      clearTimeout(timer);
      node.port.removeEventListener('message', onMessage);
      node.removeEventListener('processorerror', onError);
    };
    node.port.addEventListener('message', onMessage);
    node.port.start();
    node.addEventListener('processorerror', onError);
  });
}

function closePipeline({ context, node }: Pipeline): void {
  const stop: ToNoiseWorklet = { type: 'stop' };
  node.port.postMessage(stop);
  node.disconnect();
  void context.close().catch(() => undefined);
}
