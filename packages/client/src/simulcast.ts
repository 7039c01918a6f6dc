/**
 * The camera's simulcast layers (MEET-QUALITY) and which one a tile of a given size needs. The
 * camera is captured at up to 1920×1080 and sent three times: full size, half and a quarter, each
 * capped at a bitrate that fits its size. Janus relays one of them to each receiver, the one the
 * receiver asks for (`setVideoLayers`).
 */
export type VideoQuality = 'low' | 'medium' | 'high';

/** Lowest first: the index is Janus's substream number. */
export const VIDEO_QUALITIES: readonly VideoQuality[] = ['low', 'medium', 'high'];

export const SUBSTREAM_OF: Record<VideoQuality, number> = { low: 0, medium: 1, high: 2 };

/**
 * The camera's encodings, highest first as Janus expects the rids (h, m, l). Chromium drops the
 * layers a small capture cannot fill (below 960×540 only two, below 640×360 only one).
 */
export const CAMERA_ENCODINGS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'h', active: true, maxBitrate: 2_500_000 },
  { rid: 'm', active: true, maxBitrate: 600_000, scaleResolutionDownBy: 2 },
  { rid: 'l', active: true, maxBitrate: 150_000, scaleResolutionDownBy: 4 },
];

/** What each layer costs a receiver at most, in bit/s (the caps above). */
export const LAYER_BITRATE: Record<VideoQuality, number> = { low: 150_000, medium: 600_000, high: 2_500_000 };

/**
 * The layer for a tile `width`×`height` CSS pixels big: its larger side in device pixels (a 16:9
 * picture fills the width of a wide tile, the height of a tall one), up to 480 the quarter layer
 * (480×270 of a 1080p camera), up to 960 the half, beyond that the full one.
 */
export function qualityForSize(width: number, height: number, pixelRatio = 1): VideoQuality {
  const side = Math.max(width, (height * 16) / 9) * pixelRatio;
  if (side <= 480) return 'low';
  if (side <= 960) return 'medium';
  return 'high';
}

export function lowerQuality(a: VideoQuality, b: VideoQuality): VideoQuality {
  return SUBSTREAM_OF[a] <= SUBSTREAM_OF[b] ? a : b;
}
