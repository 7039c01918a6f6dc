import type { TrackSource } from '@conclave/protocol';
import { MediaDeviceError } from './errors';

export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

/** The sources a device captures (a shared screen is chosen by the person, see screen-capture). */
export type CaptureSource = Exclude<TrackSource, 'screen'>;

export interface LocalTrackOptions {
  /** A device from `listDevices()`; the default device when absent. */
  deviceId?: string;
  /** Microphone only: the browser's noise suppression (default on; echo cancellation and gain always are). */
  noiseSuppression?: boolean;
}

/**
 * Capture settings: the camera at up to 1920×1080 (sent in three simulcast layers, MEET-QUALITY), a
 * speech-tuned microphone: echo cancellation, automatic gain and noise suppression on unless noise
 * suppression is turned off.
 */
function constraintsFor(source: CaptureSource, options: LocalTrackOptions = {}): MediaStreamConstraints {
  const device = options.deviceId ? { deviceId: { exact: options.deviceId } } : {};
  if (source === 'microphone')
    return { audio: { ...device, ...audioProcessing(options.noiseSuppression ?? true) } };
  return {
    video: { ...device, width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 30, max: 30 } },
  };
}

/** The microphone's processing in the browser; `noiseSuppression` is the person's to turn off. */
export function audioProcessing(noiseSuppression: boolean): MediaTrackConstraints {
  return { echoCancellation: true, autoGainControl: true, noiseSuppression };
}

/** Opens the camera or microphone; errors become MediaDeviceErrors a person can act on. */
export async function createLocalTrack(
  source: CaptureSource,
  options: LocalTrackOptions = {},
): Promise<MediaStreamTrack> {
  if (typeof navigator === 'undefined' || typeof navigator.mediaDevices?.getUserMedia !== 'function') {
    throw new MediaDeviceError(
      'device_unavailable',
      source,
      'This browser cannot use a camera or microphone here (a secure https:// page is needed)',
    );
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(constraintsFor(source, options));
  } catch (err) {
    throw deviceError(source, err);
  }
  const track = source === 'microphone' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  if (!track) throw new MediaDeviceError('device_unavailable', source, `No ${source} was found`);
  if (source === 'camera' && 'contentHint' in track) track.contentHint = 'motion';
  return track;
}

function deviceError(source: CaptureSource, err: unknown): MediaDeviceError {
  const name = err instanceof Error ? err.name : '';
  const thing = source === 'microphone' ? 'microphone' : 'camera';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MediaDeviceError(
        'permission_denied',
        source,
        `Access to the ${thing} was blocked. Allow it in the browser's site settings.`,
        err,
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MediaDeviceError('device_unavailable', source, `No ${thing} was found`, err);
    case 'NotReadableError':
    case 'AbortError':
      return new MediaDeviceError(
        'device_unavailable',
        source,
        `The ${thing} is in use by another application or could not be started`,
        err,
      );
    default:
      return new MediaDeviceError('device_unavailable', source, `The ${thing} could not be started`, err);
  }
}

/**
 * Lists media devices. Labels are empty until the page has been granted access to a device of that
 * kind once, so list again after opening a track.
 */
export async function listDevices(kind?: DeviceKind): Promise<MediaDeviceInfo[]> {
  if (typeof navigator === 'undefined' || typeof navigator.mediaDevices?.enumerateDevices !== 'function') {
    return [];
  }
  const devices = await navigator.mediaDevices.enumerateDevices();
  return kind ? devices.filter((d) => d.kind === kind) : devices;
}
