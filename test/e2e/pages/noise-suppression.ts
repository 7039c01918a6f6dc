/**
 * The page of rnnoise.test.ts (bundled by support/page-server.ts, the worklet beside it as
 * /noise-suppression.worklet.ts, where the SDK's source asks for it): WebAudio test signals made into
 * a microphone-like track, put through NoiseSuppressionProcessor, and the levels of what goes in and
 * what comes out. Everything it offers is on `window.noisePage`.
 */
import { NoiseSuppressionProcessor } from '../../../packages/client/src/effects/noise-suppression';

type Signal = 'noise' | 'tone' | 'voice';

export interface Levels {
  /** RMS level of the input track, dBFS. */
  inputDb: number;
  /** RMS level of the processed track over the same time, dBFS. */
  outputDb: number;
  /** The output track's state when measured. */
  outputState: MediaStreamTrackState;
}

/** The context the test signals are made in, and the one they are measured in (each at 48 kHz). */
const sources = new AudioContext({ sampleRate: 48_000 });
const meter = new AudioContext({ sampleRate: 48_000 });

/** White noise, uniform in ±0.3 (about -15 dBFS), looping every 2 s. */
function noise(): AudioNode {
  const buffer = sources.createBuffer(1, 2 * sources.sampleRate, sources.sampleRate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * 0.3;
  const node = sources.createBufferSource();
  node.buffer = buffer;
  node.loop = true;
  node.start();
  return node;
}

/** A steady 440 Hz sine at 0.3 (about -13.5 dBFS). */
function tone(): AudioNode {
  const node = sources.createOscillator();
  node.frequency.value = 440;
  const gain = sources.createGain();
  gain.gain.value = 0.3;
  node.connect(gain);
  node.start();
  return gain;
}

/**
 * Something that sounds like a voice to RNNoise: a glottal-like pulse train (a sawtooth, every harmonic)
 * at about 120 Hz with a slow vibrato, shaped by the first three formants of the vowel /a/ (730, 1090,
 * 2440 Hz), in syllables four times a second.
 */
function voice(): AudioNode {
  const glottis = sources.createOscillator();
  glottis.type = 'sawtooth';
  glottis.frequency.value = 120;
  const vibrato = sources.createOscillator();
  vibrato.frequency.value = 5;
  const vibratoDepth = sources.createGain();
  vibratoDepth.gain.value = 4;
  vibrato.connect(vibratoDepth).connect(glottis.frequency);
  const mouth = sources.createGain();
  for (const [frequency, q, level] of [
    [730, 8, 1],
    [1090, 10, 0.6],
    [2440, 12, 0.3],
  ] as const) {
    const formant = sources.createBiquadFilter();
    formant.type = 'bandpass';
    formant.frequency.value = frequency;
    formant.Q.value = q;
    const gain = sources.createGain();
    gain.gain.value = level;
    glottis.connect(formant).connect(gain).connect(mouth);
  }
  // Syllables: the level swings between 0.25 and 1.75 of its middle, four times a second.
  const syllables = sources.createOscillator();
  syllables.frequency.value = 4;
  const swing = sources.createGain();
  swing.gain.value = 0.75;
  const envelope = sources.createGain();
  envelope.gain.value = 1;
  syllables.connect(swing).connect(envelope.gain);
  mouth.connect(envelope);
  const out = sources.createGain();
  out.gain.value = 1.5;
  envelope.connect(out);
  for (const oscillator of [glottis, vibrato, syllables]) oscillator.start();
  return out;
}

const makers: Record<Signal, () => AudioNode> = { noise, tone, voice };

/** A track carrying `signal`, as a microphone's would. */
function trackOf(signal: Signal): MediaStreamTrack {
  const destination = sources.createMediaStreamDestination();
  makers[signal]().connect(destination);
  const [track] = destination.stream.getAudioTracks();
  if (!track) throw new Error('no track');
  return track;
}

/** An analyser reading `track` in the measuring context. */
function analyserOf(track: MediaStreamTrack): AnalyserNode {
  const analyser = meter.createAnalyser();
  analyser.fftSize = 2048;
  meter.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  return analyser;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The RMS levels (dBFS) of each track over `ms`, from analyser windows read every 40 ms. */
async function levelsOf(tracks: MediaStreamTrack[], ms: number): Promise<number[]> {
  const analysers = tracks.map(analyserOf);
  const sums = tracks.map(() => 0);
  let count = 0;
  const window = new Float32Array(2048);
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await sleep(40);
    analysers.forEach((analyser, i) => {
      analyser.getFloatTimeDomainData(window);
      for (const sample of window) sums[i]! += sample * sample;
    });
    count += window.length;
  }
  return sums.map((sum) => 10 * Math.log10(sum / count + 1e-12));
}

let processor: NoiseSuppressionProcessor | undefined;
let input: MediaStreamTrack | undefined;
/** Every output track the processors gave, the current one last. */
const outputs: MediaStreamTrack[] = [];

const noisePage = {
  /** Puts `signal` through the processor (a new one, or the running one as after a device switch). */
  async start(signal: Signal, options: { sameProcessor?: boolean } = {}): Promise<void> {
    await Promise.all([sources.resume(), meter.resume()]);
    if (!options.sameProcessor) {
      processor?.stop();
      processor = new NoiseSuppressionProcessor();
    }
    if (!processor) throw new Error('no processor to switch');
    input = trackOf(signal);
    outputs.push(await processor.process(input));
  },

  /** Levels of the current input and output over `ms`, after `settleMs` for RNNoise to adapt. */
  async measure(settleMs: number, ms: number): Promise<Levels> {
    const output = outputs.at(-1);
    if (!input || !output) throw new Error('start() first');
    await sleep(settleMs);
    const [inputDb, outputDb] = await levelsOf([input, output], ms);
    return { inputDb: inputDb!, outputDb: outputDb!, outputState: output.readyState };
  },

  /** Ends the processor. */
  stop(): void {
    processor?.stop();
  },

  /** The state of every output track given so far, oldest first. */
  outputStates(): MediaStreamTrackState[] {
    return outputs.map((track) => track.readyState);
  },
};

type NoisePage = typeof noisePage;

declare global {
  interface Window {
    noisePage: NoisePage;
  }
}

window.noisePage = noisePage;
