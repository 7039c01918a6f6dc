import { decodeBigEndian, encodeBigEndian, minimalLength } from './bytes';

/** KID and CTR are unsigned 64-bit integers (RFC 9605 §4.3). */
export const MAX_U64 = (1n << 64n) - 1n;

export interface SFrameHeader {
  kid: bigint;
  ctr: bigint;
}

/**
 * The SFrame header (RFC 9605 §4.3): a config byte X|K|Y|C, then the KID and the CTR. A value below 8
 * lives in the config byte itself (X or Y clear); a larger one follows in its fewest big-endian bytes,
 * whose count minus one is in K or C.
 */
export function encodeHeader({ kid, ctr }: SFrameHeader): Uint8Array {
  for (const [name, v] of [
    ['KID', kid],
    ['CTR', ctr],
  ] as const) {
    if (v < 0n || v > MAX_U64) throw new RangeError(`SFrame ${name} out of range: ${v}`);
  }
  const kidBytes = kid < 8n ? null : encodeBigEndian(kid, minimalLength(kid));
  const ctrBytes = ctr < 8n ? null : encodeBigEndian(ctr, minimalLength(ctr));
  const config =
    (kidBytes ? 0x80 | ((kidBytes.length - 1) << 4) : Number(kid) << 4) |
    (ctrBytes ? 0x08 | (ctrBytes.length - 1) : Number(ctr));
  const out = new Uint8Array(1 + (kidBytes?.length ?? 0) + (ctrBytes?.length ?? 0));
  out[0] = config;
  if (kidBytes) out.set(kidBytes, 1);
  if (ctrBytes) out.set(ctrBytes, 1 + (kidBytes?.length ?? 0));
  return out;
}

/** Parses the header at the start of an SFrame ciphertext; `length` is how many bytes it took. */
export function decodeHeader(frame: Uint8Array): SFrameHeader & { length: number } {
  const config = frame[0];
  if (config === undefined) throw new SFrameFormatError('empty frame');
  let at = 1;
  const field = (extended: boolean, value: number): bigint => {
    if (!extended) return BigInt(value);
    const length = value + 1;
    if (frame.length < at + length) throw new SFrameFormatError('truncated header');
    const v = decodeBigEndian(frame.subarray(at, at + length));
    at += length;
    return v;
  };
  const kid = field((config & 0x80) !== 0, (config >> 4) & 0x07);
  const ctr = field((config & 0x08) !== 0, config & 0x07);
  return { kid, ctr, length: at };
}

/** A frame that is not SFrame-shaped (too short, truncated header or tag). */
export class SFrameFormatError extends Error {
  override name = 'SFrameFormatError';
}
