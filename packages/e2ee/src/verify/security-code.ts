/**
 * The meeting's security code: the MLS epoch authenticator, which every member of the same group and
 * epoch holds and which binds the roster and all its keys, written as digits to compare aloud.
 *
 * Each group of 4 digits is a 32-bit big-endian chunk mod 10^4. Since 2^32 = 429,496 × 10^4 + 7,296,
 * the 7,296 smallest values are 1/429,496 (2.3 × 10^-6) more likely than the rest: under 10^-11 bits
 * lost over the whole code, so it carries 8 × log2(10^4) ≈ 106.3 bits.
 */
const GROUPS = 8;
const DIGITS_PER_GROUP = 4;
const CHUNK_BYTES = 4;

export const SECURITY_CODE_BITS = GROUPS * DIGITS_PER_GROUP * Math.log2(10);

/** The fewest authenticator bytes the code needs; the epoch authenticator of every MLS suite is longer or equal. */
export const EPOCH_AUTHENTICATOR_MIN_BYTES = GROUPS * CHUNK_BYTES;

export interface SecurityCode {
  /** Eight groups of four digits. */
  readonly groups: readonly string[];
  /** The groups joined by spaces. */
  readonly text: string;
}

/** The input is too short to carry the code's bits. */
export class InvalidEpochAuthenticatorError extends Error {
  override name = 'InvalidEpochAuthenticatorError';
}

/**
 * The security code of an epoch. A longer authenticator (SHA-384 and SHA-512 suites give 48 and 64
 * bytes) contributes its first 32 bytes, as uniform as the rest of it.
 */
export function securityCodeOf(epochAuthenticator: Uint8Array): SecurityCode {
  if (epochAuthenticator.length < EPOCH_AUTHENTICATOR_MIN_BYTES) {
    throw new InvalidEpochAuthenticatorError(
      `an epoch authenticator of ${epochAuthenticator.length} bytes; at least ${EPOCH_AUTHENTICATOR_MIN_BYTES} needed`,
    );
  }
  const view = new DataView(
    epochAuthenticator.buffer,
    epochAuthenticator.byteOffset,
    epochAuthenticator.length,
  );
  const modulus = 10 ** DIGITS_PER_GROUP;
  const groups = Array.from({ length: GROUPS }, (_, i) =>
    String(view.getUint32(i * CHUNK_BYTES) % modulus).padStart(DIGITS_PER_GROUP, '0'),
  );
  return Object.freeze({ groups: Object.freeze(groups), text: groups.join(' ') });
}
