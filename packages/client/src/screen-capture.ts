import { MediaDeviceError } from './errors';

/**
 * Screen shares are content (MEET-SHARE): up to 3840×2160 where the source has it, and sharpness
 * before motion (text stays readable; the frame rate gives way first under load or low bandwidth).
 */
const DISPLAY_CONSTRAINTS = {
  video: { width: { ideal: 3840 }, height: { ideal: 2160 }, frameRate: { ideal: 15, max: 30 } },
  audio: false,
} satisfies DisplayMediaStreamOptions;

/** What a screen share sends at most: room for 4K text at a few frames a second. */
export const SCREEN_ENCODING: RTCRtpEncodingParameters = { maxBitrate: 6_000_000, maxFramerate: 30 };

/** Asks the person which screen, window or tab to share; errors become MediaDeviceErrors. */
export async function captureScreen(): Promise<MediaStreamTrack> {
  if (typeof navigator === 'undefined' || typeof navigator.mediaDevices?.getDisplayMedia !== 'function') {
    throw new MediaDeviceError('device_unavailable', 'screen', 'This browser cannot share a screen here');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia(DISPLAY_CONSTRAINTS);
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'NotAllowedError') {
      throw new MediaDeviceError(
        'permission_denied',
        'screen',
        'Screen sharing was cancelled or blocked',
        err,
      );
    }
    throw new MediaDeviceError('device_unavailable', 'screen', 'The screen could not be shared', err);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) throw new MediaDeviceError('device_unavailable', 'screen', 'Nothing was chosen to share');
  if ('contentHint' in track) track.contentHint = 'detail';
  return track;
}
