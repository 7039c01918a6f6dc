import { DtmfDetector } from './dtmf';

/** Samples per look: about 43 ms at 48 kHz, long enough to tell the DTMF tones apart. */
const WINDOW = 2048;
/** How often the caller's audio is looked at: windows overlap, so no key press is missed. */
const EVERY_MS = 20;

/**
 * Listens for keypad tones in the caller's audio (INTEROP-PSTN) until stopped. Chromium feeds a remote
 * WebRTC track into WebAudio only while it also plays in a media element, a muted one being enough.
 */
export function listenForKeys(
  host: HTMLElement,
  context: AudioContext,
  track: MediaStreamTrack,
  onKey: (key: string) => void,
): () => void {
  const stream = new MediaStream([track]);
  const element = new Audio();
  element.muted = true;
  element.srcObject = stream;
  host.append(element);
  void element.play().catch(() => undefined);
  const analyser = context.createAnalyser();
  analyser.fftSize = WINDOW;
  const source = context.createMediaStreamSource(stream);
  source.connect(analyser);
  const detector = new DtmfDetector(context.sampleRate, onKey);
  const samples = new Float32Array(WINDOW);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    detector.push(samples);
  }, EVERY_MS);
  return () => {
    clearInterval(timer);
    source.disconnect();
    element.srcObject = null;
    element.remove();
  };
}
