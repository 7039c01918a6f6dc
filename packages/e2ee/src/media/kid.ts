import { MAX_U64 } from '../sframe/header';
import { CipherSuite, suiteParams } from '../sframe/suites';

/** The SFrame cipher suite of all media (RFC 9605 suite 4): AES-GCM is hardware-fast in every browser. */
export const MEDIA_SUITE = CipherSuite.AES_128_GCM_SHA256_128;

/** The length the MLS side asks of `MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)` (RFC 9605 §5.2). */
export const MEDIA_BASE_KEY_LENGTH = suiteParams(MEDIA_SUITE).nk;

/** How an MLS KID splits into its fields (RFC 9605 §5.2): S bits of sender index, E bits of epoch. */
export interface KidLayout {
  senderBits: number;
  epochBits: number;
}

/**
 * Ours: leaf indices up to 65535, and 256 epochs before the epoch bits of a KID repeat, far more than
 * a receiver ever holds at once.
 */
export const MEDIA_KID_LAYOUT: KidLayout = { senderBits: 16, epochBits: 8 };

/**
 * One context per kind of stream: a member sends audio, camera and screen uncoordinated, so each needs
 * its own KID, hence its own key and counter. Two streams on one counter would repeat nonces.
 */
export const StreamContext = { audio: 0, camera: 1, screen: 2 } as const;
export type StreamKind = keyof typeof StreamContext;

export interface KidParts {
  context: number;
  senderIndex: number;
  /** The low E bits of the epoch. */
  epochBits: number;
}

/** KID = (context << (S + E)) + (senderIndex << E) + (epoch % 2^E). */
export function encodeKid(
  context: number,
  senderIndex: number,
  epoch: bigint,
  layout: KidLayout = MEDIA_KID_LAYOUT,
): bigint {
  const { senderBits: s, epochBits: e } = layout;
  if (!Number.isSafeInteger(senderIndex) || senderIndex < 0 || senderIndex >= 2 ** s)
    throw new RangeError(`sender index ${senderIndex} does not fit in ${s} bits`);
  if (!Number.isSafeInteger(context) || context < 0) throw new RangeError(`bad KID context ${context}`);
  if (epoch < 0n) throw new RangeError(`bad epoch ${epoch}`);
  const kid =
    (BigInt(context) << BigInt(s + e)) +
    (BigInt(senderIndex) << BigInt(e)) +
    (epoch & ((1n << BigInt(e)) - 1n));
  if (kid > MAX_U64) throw new RangeError(`KID context ${context} does not fit in 64 bits`);
  return kid;
}

export function parseKid(kid: bigint, layout: KidLayout = MEDIA_KID_LAYOUT): KidParts {
  const { senderBits: s, epochBits: e } = layout;
  return {
    context: Number(kid >> BigInt(s + e)),
    senderIndex: Number((kid >> BigInt(e)) & ((1n << BigInt(s)) - 1n)),
    epochBits: Number(kid & ((1n << BigInt(e)) - 1n)),
  };
}
