import { concat, equalBytes } from '../sframe/bytes';
import type { DropReason, SFrameReceiver, SFrameSender } from '../sframe/context';
import { openFrame, type SFrameKey } from '../sframe/frame';
import { decodeHeader, SFrameFormatError } from '../sframe/header';
import { clearLength, CODEC_ID, type MediaCodec } from './codecs';

/** Binds the metadata to this use, so it cannot be confused with another protocol's additional data. */
const LABEL = new TextEncoder().encode('Conclave E2EE media frame 1');

/**
 * The SFrame metadata (RFC 9605 §4.4.3, authenticated with the header) of a media frame: the label, the
 * codec, how many bytes stay in clear and those bytes. The count is authenticated as well as the
 * bytes, so a media server that moves the boundary between clear and encrypted bytes is caught too.
 */
function frameMetadata(codec: MediaCodec, clear: Uint8Array): Uint8Array {
  return concat(LABEL, Uint8Array.of(CODEC_ID[codec], clear.length >> 8, clear.length & 0xff), clear);
}

/**
 * clear bytes || SFrame(header || ciphertext of the whole frame), the clear bytes as the codec rule
 * says. The clear bytes are encrypted too: the receiver's plaintext is then the frame itself, where
 * leaving them out would cost it a copy of every frame to put them back in front (in Chromium, the
 * copies made the frame layer half as fast as bare AES-GCM: bench/e2ee/sframe-throughput).
 */
export function encryptFrame(
  sender: SFrameSender,
  codec: MediaCodec,
  frame: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const clear = frame.subarray(0, clearLength(codec, frame));
  return sender.encrypt(frame, frameMetadata(codec, clear), clear);
}

/** A received frame cut where the codec rule, applied to the received bytes, says. */
export interface ReceivedFrame {
  kid: bigint;
  clear: Uint8Array;
  sframe: Uint8Array;
  metadata: Uint8Array;
}

/** Null when what follows the clear bytes is not an SFrame header. */
export function splitFrame(codec: MediaCodec, data: Uint8Array): ReceivedFrame | null {
  const clear = data.subarray(0, clearLength(codec, data));
  const sframe = data.subarray(clear.length);
  try {
    const { kid } = decodeHeader(sframe);
    return { kid, clear, sframe, metadata: frameMetadata(codec, clear) };
  } catch (err) {
    if (err instanceof SFrameFormatError) return null;
    throw err;
  }
}

export type FrameResult =
  { ok: true; frame: Uint8Array<ArrayBuffer>; kid: bigint; ctr: bigint } | { ok: false; reason: DropReason };

/**
 * Opens a frame with the receiver holding its KID's key: its replay window applies. The clear bytes
 * must be the first bytes of what was encrypted: the decoder gets the decrypted frame, and the
 * depacketizer, which read the clear ones, must have seen the same.
 */
export async function decryptFrame(receiver: SFrameReceiver, frame: ReceivedFrame): Promise<FrameResult> {
  const opened = await receiver.decrypt(frame.sframe, frame.metadata);
  if (!opened.ok) return opened;
  const { plaintext } = opened;
  if (!equalBytes(plaintext.subarray(0, frame.clear.length), frame.clear))
    return { ok: false, reason: 'auth_failed' };
  return { ok: true, frame: plaintext, kid: opened.kid, ctr: opened.ctr };
}

/** Whether a frame authenticates under a key not yet trusted, without touching any replay window. */
export async function authenticates(key: SFrameKey, frame: ReceivedFrame): Promise<boolean> {
  return (await openFrame(key, frame.sframe, frame.metadata)) !== null;
}
