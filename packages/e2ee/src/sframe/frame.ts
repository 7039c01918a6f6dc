import { concat, encodeBigEndian } from './bytes';
import { decodeHeader, encodeHeader, SFrameFormatError, type SFrameHeader } from './header';
import { deriveKeySalt } from './key-schedule';
import { importAead, suiteParams, type Aead, type CipherSuiteId, type SuiteParams } from './suites';

/** One sender key of a suite: the AEAD ready to use and its salt (RFC 9605 §4.4.2). */
export interface SFrameKey {
  suite: SuiteParams;
  kid: bigint;
  aead: Aead;
  salt: Uint8Array;
}

/** Derives and imports the key and salt for `kid` from a base key (e.g. one an MLS epoch exports). */
export async function deriveSFrameKey(
  suiteId: CipherSuiteId,
  kid: bigint,
  baseKey: Uint8Array,
): Promise<SFrameKey> {
  const suite = suiteParams(suiteId);
  const { key, salt } = await deriveKeySalt(suite, kid, baseKey);
  return { suite, kid, aead: await importAead(suite, key), salt };
}

/** nonce = salt XOR CTR, big-endian in Nn bytes (RFC 9605 §4.4.3). */
export function frameNonce(salt: Uint8Array, ctr: bigint): Uint8Array {
  const c = encodeBigEndian(ctr, salt.length);
  const nonce = new Uint8Array(salt.length);
  for (let i = 0; i < nonce.length; i++) nonce[i] = salt[i]! ^ c[i]!;
  return nonce;
}

/**
 * header || AEAD(key, nonce, header || metadata, plaintext), after `prefix` when one is given: bytes
 * that go in front of the SFrame (a media frame's clear bytes) cost no second copy of the frame.
 */
export async function sealFrame(
  key: SFrameKey,
  ctr: bigint,
  metadata: Uint8Array,
  plaintext: Uint8Array,
  prefix: Uint8Array = new Uint8Array(0),
): Promise<Uint8Array<ArrayBuffer>> {
  const header = encodeHeader({ kid: key.kid, ctr });
  const ciphertext = await key.aead.seal(frameNonce(key.salt, ctr), concat(header, metadata), plaintext);
  return concat(prefix, header, ciphertext);
}

/**
 * Opens a frame with a key already chosen for its KID; null when it does not authenticate. `header`:
 * the frame's header, when the caller has decoded it already.
 */
export async function openFrame(
  key: SFrameKey,
  frame: Uint8Array,
  metadata: Uint8Array,
  header: SFrameHeader & { length: number } = decodeHeader(frame),
): Promise<{ ctr: bigint; plaintext: Uint8Array<ArrayBuffer> } | null> {
  if (header.kid !== key.kid) throw new SFrameFormatError(`frame is for KID ${header.kid}, not ${key.kid}`);
  const aad = concat(frame.subarray(0, header.length), metadata);
  const plaintext = await key.aead.open(frameNonce(key.salt, header.ctr), aad, frame.subarray(header.length));
  return plaintext && { ctr: header.ctr, plaintext };
}
