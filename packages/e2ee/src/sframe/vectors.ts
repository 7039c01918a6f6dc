import { concat, fromHex, toHex } from './bytes';
import { frameNonce, openFrame, sealFrame, type SFrameKey } from './frame';
import { decodeHeader, encodeHeader } from './header';
import { deriveKeySalt } from './key-schedule';
import { importAead, suiteParams } from './suites';

/** The outcome of checking a file of test vectors in the format of RFC 9605 Appendix C. */
export interface VectorReport {
  passed: number;
  failed: number;
  /** One line per failed vector, saying which and what differed. */
  failures: string[];
  /** Sections of the file that are not RFC 9605's (header, aes_ctr_hmac, sframe). */
  ignoredSections: string[];
}

type Hex = string;
interface HeaderVector {
  kid: string;
  ctr: string;
  encoded: Hex;
}
interface AesCtrHmacVector {
  cipher_suite: number;
  key: Hex;
  enc_key: Hex;
  auth_key: Hex;
  nonce: Hex;
  aad: Hex;
  pt: Hex;
  ct: Hex;
}
interface SFrameVector {
  cipher_suite: number;
  kid: string;
  ctr: string;
  base_key: Hex;
  sframe_key_label: Hex;
  sframe_salt_label: Hex;
  sframe_secret: Hex;
  sframe_key: Hex;
  sframe_salt: Hex;
  metadata: Hex;
  nonce: Hex;
  aad: Hex;
  pt: Hex;
  ct: Hex;
}

const SECTIONS = ['header', 'aes_ctr_hmac', 'sframe'];

/**
 * Checks every vector. KIDs and counters go up to 2^64 - 1, beyond what a JSON number holds exactly,
 * so they are read as text before parsing.
 */
export async function checkVectors(json: string): Promise<VectorReport> {
  const file = JSON.parse(json.replace(/"(kid|ctr)"\s*:\s*(\d+)/g, '"$1":"$2"')) as {
    header?: HeaderVector[];
    aes_ctr_hmac?: AesCtrHmacVector[];
    sframe?: SFrameVector[];
  } & Record<string, unknown>;
  const report: VectorReport = {
    passed: 0,
    failed: 0,
    failures: [],
    ignoredSections: Object.keys(file).filter((k) => !SECTIONS.includes(k)),
  };
  const check = async (name: string, run: () => Promise<string | null>) => {
    let problem: string | null;
    try {
      problem = await run();
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    if (problem === null) report.passed++;
    else {
      report.failed++;
      report.failures.push(`${name}: ${problem}`);
    }
  };
  for (const [i, v] of (file.header ?? []).entries()) {
    await check(`header ${i} (kid ${v.kid}, ctr ${v.ctr})`, async () => checkHeader(v));
  }
  for (const [i, v] of (file.aes_ctr_hmac ?? []).entries()) {
    await check(`aes_ctr_hmac ${i} (suite ${v.cipher_suite})`, () => checkAesCtrHmac(v));
  }
  for (const [i, v] of (file.sframe ?? []).entries()) {
    await check(`sframe ${i} (suite ${v.cipher_suite})`, () => checkSFrame(v));
  }
  return report;
}

function differs(what: string, actual: Uint8Array, expected: Hex): string | null {
  const got = toHex(actual);
  return got === expected.toLowerCase() ? null : `${what} is ${got}, expected ${expected}`;
}

function checkHeader(v: HeaderVector): string | null {
  const kid = BigInt(v.kid);
  const ctr = BigInt(v.ctr);
  const encoded = differs('encoding', encodeHeader({ kid, ctr }), v.encoded);
  if (encoded) return encoded;
  const decoded = decodeHeader(fromHex(v.encoded));
  if (decoded.kid !== kid || decoded.ctr !== ctr) return `decodes to kid ${decoded.kid}, ctr ${decoded.ctr}`;
  return decoded.length === v.encoded.length / 2 ? null : `decoding took ${decoded.length} bytes`;
}

async function checkAesCtrHmac(v: AesCtrHmacVector): Promise<string | null> {
  const suite = suiteParams(v.cipher_suite);
  const key = fromHex(v.key);
  const split =
    differs('enc_key', key.subarray(0, suite.nka), v.enc_key) ??
    differs('auth_key', key.subarray(suite.nka), v.auth_key);
  if (split) return split;
  const aead = await importAead(suite, key);
  const nonce = fromHex(v.nonce);
  const aad = fromHex(v.aad);
  const sealed = differs('ciphertext', await aead.seal(nonce, aad, fromHex(v.pt)), v.ct);
  if (sealed) return sealed;
  const opened = await aead.open(nonce, aad, fromHex(v.ct));
  return opened ? differs('plaintext', opened, v.pt) : 'the ciphertext does not open';
}

async function checkSFrame(v: SFrameVector): Promise<string | null> {
  const suite = suiteParams(v.cipher_suite);
  const kid = BigInt(v.kid);
  const ctr = BigInt(v.ctr);
  const derived = await deriveKeySalt(suite, kid, fromHex(v.base_key));
  const schedule =
    differs('sframe_key_label', derived.keyLabel, v.sframe_key_label) ??
    differs('sframe_salt_label', derived.saltLabel, v.sframe_salt_label) ??
    differs('sframe_secret', derived.secret, v.sframe_secret) ??
    differs('sframe_key', derived.key, v.sframe_key) ??
    differs('sframe_salt', derived.salt, v.sframe_salt) ??
    differs('nonce', frameNonce(derived.salt, ctr), v.nonce);
  if (schedule) return schedule;
  const metadata = fromHex(v.metadata);
  const aad = differs('aad', concat(encodeHeader({ kid, ctr }), metadata), v.aad);
  if (aad) return aad;
  const key: SFrameKey = { suite, kid, aead: await importAead(suite, derived.key), salt: derived.salt };
  const sealed = differs('ct', await sealFrame(key, ctr, metadata, fromHex(v.pt)), v.ct);
  if (sealed) return sealed;
  const opened = await openFrame(key, fromHex(v.ct), metadata);
  if (!opened) return 'the frame does not open';
  return opened.ctr === ctr ? differs('pt', opened.plaintext, v.pt) : `opened with ctr ${opened.ctr}`;
}
