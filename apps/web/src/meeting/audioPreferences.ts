import { NoiseSuppressionProcessor, type Room } from '@conclave/client';

/** Noise suppression, remembered on this device (on unless the person turned it off). */
const NOISE_SUPPRESSION_KEY = 'conclave.noiseSuppression';

export function noiseSuppressionPreferred(): boolean {
  try {
    return localStorage.getItem(NOISE_SUPPRESSION_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function rememberNoiseSuppression(enabled: boolean): void {
  try {
    localStorage.setItem(NOISE_SUPPRESSION_KEY, enabled ? 'on' : 'off');
  } catch {
    // Storage blocked: it applies to this meeting only.
  }
}

export const STRONG_NOISE_UNAVAILABLE = 'Stronger noise suppression is unavailable on this device';

/** Stronger noise suppression (RNNoise on the device, issue 19), remembered on this device; off by default. */
const STRONG_NOISE_SUPPRESSION_KEY = 'conclave.noiseSuppression.strong';

export function strongNoiseSuppressionPreferred(): boolean {
  try {
    return localStorage.getItem(STRONG_NOISE_SUPPRESSION_KEY) === 'on';
  } catch {
    return false;
  }
}

export function rememberStrongNoiseSuppression(enabled: boolean): void {
  try {
    localStorage.setItem(STRONG_NOISE_SUPPRESSION_KEY, enabled ? 'on' : 'off');
  } catch {
    // Storage blocked: it applies to this meeting only.
  }
}

/**
 * Applies this device's noise suppression to a room's microphone: RNNoise as the microphone's
 * processor when chosen, with the browser's own suppression off under it (two suppressors in a row
 * only mangle a voice); otherwise the browser's, as chosen. A failure is the room's
 * `effect_unavailable` error.
 */
export function applyNoiseSuppression(room: Room): Promise<void> {
  const strong = strongNoiseSuppressionPreferred();
  return Promise.all([
    room.localParticipant.setNoiseSuppression(!strong && noiseSuppressionPreferred()),
    room.localParticipant.setProcessor('microphone', strong ? new NoiseSuppressionProcessor() : null),
  ]).then(() => undefined);
}
