import { concat, encodeBigEndian } from './bytes';
import type { SuiteParams } from './suites';

const encoder = new TextEncoder();
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> =>
  b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);

export interface DerivedKey {
  secret: Uint8Array;
  key: Uint8Array;
  salt: Uint8Array;
  keyLabel: Uint8Array;
  saltLabel: Uint8Array;
}

/**
 * RFC 9605 §4.4.2: sframe_secret = HKDF-Extract("", base_key); key and salt are HKDF-Expand of it
 * with labels that bind the KID (8 bytes) and the cipher suite (2 bytes).
 */
export async function deriveKeySalt(
  suite: SuiteParams,
  kid: bigint,
  baseKey: Uint8Array,
): Promise<DerivedKey> {
  const context = concat(encodeBigEndian(kid, 8), encodeBigEndian(BigInt(suite.id), 2));
  const keyLabel = concat(encoder.encode('SFrame 1.0 Secret key '), context);
  const saltLabel = concat(encoder.encode('SFrame 1.0 Secret salt '), context);
  const secret = await hmac(suite.hash, new Uint8Array(hashLength(suite.hash)), baseKey);
  return {
    secret,
    keyLabel,
    saltLabel,
    key: await hkdfExpand(suite.hash, secret, keyLabel, suite.nk),
    salt: await hkdfExpand(suite.hash, secret, saltLabel, suite.nn),
  };
}

function hashLength(hash: SuiteParams['hash']): number {
  return hash === 'SHA-256' ? 32 : 64;
}

async function hmac(hash: SuiteParams['hash'], key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await globalThis.crypto.subtle.importKey('raw', buf(key), { name: 'HMAC', hash }, false, [
    'sign',
  ]);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', k, buf(data)));
}

/** HKDF-Expand (RFC 5869 §2.3). */
async function hkdfExpand(
  hash: SuiteParams['hash'],
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    previous = await hmac(hash, prk, concat(previous, info, Uint8Array.of(i)));
    out.set(previous.subarray(0, Math.min(previous.length, length - at)), at);
    at += previous.length;
  }
  return out;
}
