/**
 * A device's long-term identity (E2EE-IDENTITY): an ECDSA P-256 key pair whose private half is
 * non-extractable, so script on the page can use it but never read it out. Its public key, raw and
 * uncompressed (65 bytes), is what Codewords and admissions name.
 */
export interface DeviceIdentity {
  readonly publicKey: Uint8Array<ArrayBuffer>;
  sign(message: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>>;
}

/** WebCrypto's key type, named so that it resolves under both the DOM's and Node's typings. */
type WebCryptoKey = Parameters<typeof crypto.subtle.sign>[1];

/** A WebCrypto key pair (the DOM's CryptoKeyPair type is not in Node's typings). */
export interface IdentityKeyPair {
  publicKey: WebCryptoKey;
  privateKey: WebCryptoKey;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const IDENTITY_KEY_LENGTH = 65;

/** A fresh key pair; `extractable: false` keeps the private key inside WebCrypto. */
export async function generateIdentityKeys(): Promise<IdentityKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
}

/** Wraps a stored key pair; refuses one whose private key could be exported. */
export async function deviceIdentity(keys: IdentityKeyPair): Promise<DeviceIdentity> {
  if (keys.privateKey.extractable) throw new Error('an identity private key must be non-extractable');
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
  return {
    publicKey,
    async sign(message) {
      return new Uint8Array(await crypto.subtle.sign(SIGNING, keys.privateKey, message));
    },
  };
}

/** False for a malformed key as for a bad signature: callers only need to know it does not verify. */
export async function verifyIdentitySignature(
  publicKey: Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (publicKey.length !== IDENTITY_KEY_LENGTH || publicKey[0] !== 0x04) return false;
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, ALGORITHM, false, ['verify']);
    return await crypto.subtle.verify(SIGNING, key, signature, message);
  } catch {
    return false;
  }
}

/** SHA-256 of the raw public key: how admissions name the key they admit. */
export async function identityFingerprint(
  publicKey: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey));
}
