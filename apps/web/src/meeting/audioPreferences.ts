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
