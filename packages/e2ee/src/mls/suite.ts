import {
  decodeMlsMessage,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type MLSMessage,
} from 'ts-mls';

/**
 * The one MLS cipher suite Conclave groups use: X25519, AES-128-GCM, SHA-256, Ed25519 — all through
 * WebCrypto in current browsers and Node, and the fastest suite measured (notes/e2ee-mls.md).
 */
export const MLS_SUITE: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

let impl: Promise<CiphersuiteImpl> | undefined;

export function suite(): Promise<CiphersuiteImpl> {
  impl ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_SUITE));
  return impl;
}

/** Decodes one whole MLS message; null for anything else (short, trailing bytes, unknown format). */
export function decodeMessage(bytes: Uint8Array): MLSMessage | null {
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    return decoded && decoded[1] === bytes.length ? decoded[0] : null;
  } catch {
    return null;
  }
}

export function encodeMessage(message: MLSMessage): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encodeMlsMessage(message));
}

/** The credential the delivery service signs its external proposals under (never a leaf's). */
export const DELIVERY_SERVICE_IDENTITY = new TextEncoder().encode('conclave/e2ee/delivery-service/v1');
