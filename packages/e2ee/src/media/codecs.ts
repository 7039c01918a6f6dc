/**
 * The codecs an E2EE room negotiates, and how many leading bytes of each encoded frame stay in clear
 * for the media server. Janus forwards and packetizes frames without decoding them, but its VP8
 * packetizer reads the frame tag (key frame or not) and, on key frames, the dimensions. Opus and VP9
 * need nothing from the payload.
 *
 * H.264 is refused, not supported with a few clear bytes: its packetizer splits frames at NAL unit
 * boundaries found by start codes, so every NAL header would have to stay in clear, and ciphertext
 * that happens to contain a start code (00 00 01) must be escaped and unescaped (emulation
 * prevention) or the frame is cut in the wrong places. AV1 and the rest likewise need per-codec work
 * nobody has done; an E2EE room offers Opus and VP8 only.
 */
export type MediaCodec = 'opus' | 'vp8' | 'vp9';

/** One byte naming the codec in the authenticated metadata of a frame. */
export const CODEC_ID: Record<MediaCodec, number> = { opus: 1, vp8: 2, vp9: 3 };

/** A codec the E2EE frame layer cannot protect: the frame must not be sent (nor shown). */
export class UnsupportedCodecError extends Error {
  override name = 'UnsupportedCodecError';

  constructor(readonly codec: string) {
    super(`${codec} frames cannot be end-to-end encrypted (E2EE needs Opus, VP8 or VP9)`);
  }
}

/** The codec of a MIME type as encoded transforms report it ("audio/opus", "video/VP8") or a bare name. */
export function mediaCodec(mimeType: string): MediaCodec {
  const name = mimeType.slice(mimeType.indexOf('/') + 1).toLowerCase();
  if (name === 'opus' || name === 'vp8' || name === 'vp9') return name;
  throw new UnsupportedCodecError(mimeType);
}

/** VP8 key frames (RFC 6386 §9.1): the 3-byte frame tag, then the start code and the dimensions. */
const VP8_KEY_FRAME_CLEAR = 10;
/** VP8 other frames: the frame tag's first byte, which says whether it is a key frame. */
const VP8_DELTA_FRAME_CLEAR = 1;

/** How many leading bytes of `frame` stay in clear; the receiver applies it to what it receives. */
export function clearLength(codec: MediaCodec, frame: Uint8Array): number {
  if (codec !== 'vp8') return 0;
  const tag = frame[0];
  if (tag === undefined) return 0;
  // Bit 0 of the frame tag is the inverse key frame flag: 0 on key frames.
  return Math.min((tag & 1) === 0 ? VP8_KEY_FRAME_CLEAR : VP8_DELTA_FRAME_CLEAR, frame.length);
}
