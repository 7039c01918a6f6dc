import { argon2id } from 'hash-wasm';
import { toHex } from '../sframe/bytes';
import { BoundedMemo } from './memo';
import { OneAtATime } from './one-at-a-time';
import { proquintOf } from './proquint';

/**
 * How a Codeword is derived (docs/e2ee.md, "Codeword"). Changing any of these changes every Codeword
 * people have learned, so a change means a new label ("…/v2") and a migration, never an edit in place.
 *
 * Memory and passes are OWASP's first Argon2id setting for password storage (19 MiB, t=2, p=1):
 * 50–60 ms per evaluation in Node on our 2-core machine, so a browser derives a whole 100-person
 * roster in seconds while a forger needs about 2^64 evaluations for one person's Codeword.
 */
export const CODEWORD_DERIVATION = Object.freeze({
  algorithm: 'argon2id',
  /** The Argon2 salt: a fixed domain label (20 bytes, above Argon2's 8-byte minimum). */
  label: 'conclave/codeword/v1',
  memoryKiB: 19 * 1024,
  iterations: 2,
  parallelism: 1,
  /** 64 bits: four 16-bit proquint words. */
  outputBytes: 8,
});

export interface Codeword {
  /** Four proquint words, 16 bits each. */
  readonly words: readonly string[];
  /** The words joined by spaces, as shown and read aloud. */
  readonly text: string;
  /** The first word alone: a quick look, not a check against an attacker (only 16 bits). */
  readonly glance: string;
}

/** The input is not a raw, uncompressed P-256 public key. */
export class InvalidIdentityKeyError extends Error {
  override name = 'InvalidIdentityKeyError';
}

const RAW_P256_LENGTH = 65;
const UNCOMPRESSED = 0x04;
/** More than the largest meeting's roster plus its lobby, at a few hundred bytes each. */
const MEMO_CAPACITY = 512;
const memo = new BoundedMemo<Codeword>(MEMO_CAPACITY);
const argon2 = new OneAtATime();

/**
 * The Codeword of a device identity public key, in the one encoding WebCrypto exports (`raw`: 0x04,
 * then X and Y), so each key has exactly one Codeword. Refuses anything else, including a compressed
 * point or one that is not on the curve, with InvalidIdentityKeyError.
 */
export async function codewordOf(identityPublicKeyRaw: Uint8Array): Promise<Codeword> {
  if (identityPublicKeyRaw.length !== RAW_P256_LENGTH || identityPublicKeyRaw[0] !== UNCOMPRESSED) {
    throw new InvalidIdentityKeyError(
      `expected a ${RAW_P256_LENGTH}-byte uncompressed P-256 point starting with 0x04, ` +
        `got ${identityPublicKeyRaw.length} bytes`,
    );
  }
  // A copy: the caller may reuse its buffer while the derivation awaits.
  const key = identityPublicKeyRaw.slice();
  return memo.get(toHex(key), () => derive(key));
}

async function derive(key: Uint8Array<ArrayBuffer>): Promise<Codeword> {
  await assertOnCurve(key);
  const out = await argon2.run(() =>
    argon2id({
      password: key,
      salt: CODEWORD_DERIVATION.label,
      memorySize: CODEWORD_DERIVATION.memoryKiB,
      iterations: CODEWORD_DERIVATION.iterations,
      parallelism: CODEWORD_DERIVATION.parallelism,
      hashLength: CODEWORD_DERIVATION.outputBytes,
      outputType: 'binary',
    }),
  );
  const words: string[] = [];
  for (let i = 0; i < out.length; i += 2) words.push(proquintOf((out[i]! << 8) | out[i + 1]!));
  return Object.freeze({ words: Object.freeze(words), text: words.join(' '), glance: words[0]! });
}

/** WebCrypto's import checks the point lies on P-256, which the length and prefix alone do not. */
async function assertOnCurve(key: Uint8Array<ArrayBuffer>): Promise<void> {
  try {
    await globalThis.crypto.subtle.importKey('raw', key, { name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'verify',
    ]);
  } catch {
    throw new InvalidIdentityKeyError('not a point on P-256');
  }
}
