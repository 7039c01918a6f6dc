import { NoiseSuppressionProcessor, type Room } from '@conclave/client';

/**
 * An on/off choice remembered on this device: `fallback` until the person picks the other one (and
 * whenever storage is blocked, when a choice holds for this meeting only).
 */
function deviceSwitch(key: string, fallback: boolean) {
  const other = fallback ? 'off' : 'on';
  return {
    get(): boolean {
      try {
        return localStorage.getItem(key) === other ? !fallback : fallback;
      } catch {
        return fallback;
      }
    },
    set(enabled: boolean): void {
      try {
        localStorage.setItem(key, enabled ? 'on' : 'off');
      } catch {
        // Storage blocked: it applies to this meeting only.
      }
    },
  };
}

/** The browser's own noise suppression: on unless the person turned it off. */
const noiseSuppression = deviceSwitch('conclave.noiseSuppression', true);
export const noiseSuppressionPreferred = (): boolean => noiseSuppression.get();
export const rememberNoiseSuppression = (enabled: boolean): void => noiseSuppression.set(enabled);

export const STRONG_NOISE_UNAVAILABLE = 'Stronger noise suppression is unavailable on this device';

/** Stronger noise suppression (RNNoise on the device, issue 19): off unless the person turned it on. */
const strongNoiseSuppression = deviceSwitch('conclave.noiseSuppression.strong', false);
export const strongNoiseSuppressionPreferred = (): boolean => strongNoiseSuppression.get();
export const rememberStrongNoiseSuppression = (enabled: boolean): void => strongNoiseSuppression.set(enabled);

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
