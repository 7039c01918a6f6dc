import { concat, encodeBigEndian, equalBytes } from './bytes';

/** The cipher suites of RFC 9605 §4.5 (IANA "SFrame Cipher Suites"). */
export const CipherSuite = {
  AES_128_CTR_HMAC_SHA256_80: 0x0001,
  AES_128_CTR_HMAC_SHA256_64: 0x0002,
  AES_128_CTR_HMAC_SHA256_32: 0x0003,
  AES_128_GCM_SHA256_128: 0x0004,
  AES_256_GCM_SHA512_128: 0x0005,
} as const;
export type CipherSuiteId = (typeof CipherSuite)[keyof typeof CipherSuite];

export interface SuiteParams {
  id: CipherSuiteId;
  /** HKDF's hash. */
  hash: 'SHA-256' | 'SHA-512';
  /** Key length; for CTR-HMAC, the encryption key followed by the authentication key. */
  nk: number;
  nn: number;
  /** Tag length. */
  nt: number;
  /** For CTR-HMAC: the AES key part of the key (the rest authenticates). */
  nka?: number;
}

const SUITES: Record<number, SuiteParams> = {
  0x0001: { id: 0x0001, hash: 'SHA-256', nk: 48, nn: 12, nt: 10, nka: 16 },
  0x0002: { id: 0x0002, hash: 'SHA-256', nk: 48, nn: 12, nt: 8, nka: 16 },
  0x0003: { id: 0x0003, hash: 'SHA-256', nk: 48, nn: 12, nt: 4, nka: 16 },
  0x0004: { id: 0x0004, hash: 'SHA-256', nk: 16, nn: 12, nt: 16 },
  0x0005: { id: 0x0005, hash: 'SHA-512', nk: 32, nn: 12, nt: 16 },
};

export function suiteParams(id: number): SuiteParams {
  const suite = SUITES[id];
  if (!suite) throw new RangeError(`unknown SFrame cipher suite ${id}`);
  return suite;
}

/** An AEAD of one suite with one key, ready to seal and open (keys are imported once). */
export interface Aead {
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Null when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null>;
}

const subtle = () => globalThis.crypto.subtle;
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> =>
  b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);

export async function importAead(suite: SuiteParams, key: Uint8Array): Promise<Aead> {
  if (key.length !== suite.nk) throw new RangeError(`SFrame key must be ${suite.nk} bytes`);
  return suite.nka === undefined ? gcm(suite, key) : ctrHmac(suite, key);
}

async function gcm(suite: SuiteParams, key: Uint8Array): Promise<Aead> {
  const k = await subtle().importKey('raw', buf(key), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const params = (nonce: Uint8Array, aad: Uint8Array) => ({
    name: 'AES-GCM',
    iv: buf(nonce),
    additionalData: buf(aad),
    tagLength: suite.nt * 8,
  });
  return {
    async seal(nonce, aad, plaintext) {
      return new Uint8Array(await subtle().encrypt(params(nonce, aad), k, buf(plaintext)));
    },
    async open(nonce, aad, ciphertext) {
      try {
        return new Uint8Array(await subtle().decrypt(params(nonce, aad), k, buf(ciphertext)));
      } catch {
        return null;
      }
    },
  };
}

/**
 * AES-CTR with an HMAC-SHA256 tag truncated to Nt bytes (RFC 9605 §4.5.1): the tag covers the
 * lengths of AAD, ciphertext and tag, the nonce, the AAD and the ciphertext.
 */
async function ctrHmac(suite: SuiteParams, key: Uint8Array): Promise<Aead> {
  const nka = suite.nka!;
  const enc = await subtle().importKey('raw', buf(key.slice(0, nka)), 'AES-CTR', false, ['encrypt']);
  const auth = await subtle().importKey(
    'raw',
    buf(key.slice(nka)),
    { name: 'HMAC', hash: suite.hash },
    false,
    ['sign'],
  );
  const counter = (nonce: Uint8Array) => ({
    name: 'AES-CTR',
    counter: concat(nonce, new Uint8Array(4)),
    length: 32,
  });
  const tag = async (nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array) => {
    const data = concat(
      encodeBigEndian(BigInt(aad.length), 8),
      encodeBigEndian(BigInt(ct.length), 8),
      encodeBigEndian(BigInt(suite.nt), 8),
      nonce,
      aad,
      ct,
    );
    return new Uint8Array(await subtle().sign('HMAC', auth, data)).subarray(0, suite.nt);
  };
  return {
    async seal(nonce, aad, plaintext) {
      const ct = new Uint8Array(await subtle().encrypt(counter(nonce), enc, buf(plaintext)));
      return concat(ct, await tag(nonce, aad, ct));
    },
    async open(nonce, aad, ciphertext) {
      if (ciphertext.length < suite.nt) return null;
      const ct = ciphertext.subarray(0, ciphertext.length - suite.nt);
      const expected = await tag(nonce, aad, ct);
      if (!equalBytes(expected, ciphertext.subarray(ciphertext.length - suite.nt))) return null;
      // CTR mode decrypts by encrypting again.
      return new Uint8Array(await subtle().encrypt(counter(nonce), enc, buf(ct)));
    },
  };
}
