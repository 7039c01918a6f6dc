import type { SipPrompt } from '@conclave/protocol';

/**
 * What the IVR plays a caller (INTEROP-PSTN): a headless browser has no speech engine, so each
 * prompt is a short tone pattern of its own, in the manner of exchange tones: a rising pair asks for
 * digits, a low double says "no", three falling tones say goodbye. Frequencies steer clear of the
 * DTMF ones, so a prompt never reads as a key.
 */
const PATTERNS: Record<SipPrompt, Array<[hz: number, ms: number]>> = {
  extension: [
    [523, 200],
    [0, 80],
    [659, 200],
    [0, 80],
    [784, 300],
  ],
  passcode: [
    [659, 200],
    [0, 80],
    [784, 200],
    [0, 80],
    [1047, 300],
  ],
  unknown: [
    [330, 250],
    [0, 100],
    [330, 250],
  ],
  wrong: [
    [392, 250],
    [0, 100],
    [330, 250],
  ],
  e2ee: [
    [440, 400],
    [0, 150],
    [330, 400],
    [0, 150],
    [262, 600],
  ],
  goodbye: [
    [784, 200],
    [0, 60],
    [659, 200],
    [0, 60],
    [523, 400],
  ],
};

/** Plays `prompt` into `destination`; resolves once it has played. */
export function playPrompt(context: AudioContext, destination: AudioNode, prompt: SipPrompt): Promise<void> {
  let at = context.currentTime + 0.05;
  for (const [hz, ms] of PATTERNS[prompt]) {
    if (hz > 0) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = hz;
      gain.gain.value = 0.3;
      tone.connect(gain).connect(destination);
      tone.start(at);
      tone.stop(at + ms / 1000);
    }
    at += ms / 1000;
  }
  const lasts = (at - context.currentTime) * 1000;
  return new Promise((resolve) => setTimeout(resolve, lasts));
}
