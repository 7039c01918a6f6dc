import { createCipheriv, createDecipheriv } from 'node:crypto';
import { RecordingUnreadableError } from './errors';

/**
 * Sealed chunk format v1 (REC-STORE, docs/recording.md). A recording is cut into chunks of
 * `chunkSize` plaintext bytes (the last may be shorter), each sealed with AES-256-GCM under the
 * recording's own content key and stored as `recordings/<id>/<index>` (ciphertext ‖ 16-byte tag).
 * The nonce is derived from the index, so it is never stored: the content key is random per recording
 * and each index is sealed once, so a nonce never repeats under a key. The AAD names the recording,
 * the index and whether the chunk is the last, so a chunk only opens at its own place.
 */
const FORMAT_VERSION = 1;
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
// Bounds what one chunk costs a reader in memory, whatever a header claims.
const MAX_CHUNK_SIZE = 64 * 1024 * 1024;
export const CONTENT_KEY_BYTES = 32;
const TAG_BYTES = 16;

// No dots or spaces: the id is a key segment and a word of the AAD and the header's context.
const RECORDING_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function assertRecordingId(id: string): void {
  if (!RECORDING_ID.test(id)) throw new TypeError(`not a recording id: ${JSON.stringify(id.slice(0, 140))}`);
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk size must be a whole number of bytes from 1 to ${MAX_CHUNK_SIZE}`);
  }
}

export const recordingPrefix = (id: string) => `recordings/${id}/`;
export const chunkKey = (id: string, index: number) => `recordings/${id}/${index}`;
export const headerKey = (id: string) => `recordings/${id}/header`;
/** What the header is bound to in the Vault (besides the organisation, which the Vault adds). */
export const headerContext = (id: string) => `recording ${id} header`;

const chunkCount = (length: number, chunkSize: number) => Math.ceil(length / chunkSize);

function nonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

const aad = (id: string, index: number, last: boolean) =>
  Buffer.from(`conclave recording v1 ${id} ${index} ${last ? 'last' : 'more'}`, 'utf8');

export function sealChunk(key: Buffer, id: string, index: number, last: boolean, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index));
  cipher.setAAD(aad(id, index, last));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function openChunk(key: Buffer, id: string, index: number, last: boolean, sealed: Buffer): Buffer {
  const unreadable = () =>
    new RecordingUnreadableError('chunk', id, `chunk ${index} does not open at its place`);
  if (sealed.length < TAG_BYTES) throw unreadable();
  const decipher = createDecipheriv('aes-256-gcm', key, nonce(index));
  decipher.setAAD(aad(id, index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw unreadable();
  }
}

/** What a reader needs to find and open the chunks; stored sealed by the Vault, never in clear. */
export interface RecordingHeader {
  chunkSize: number;
  /** Plaintext bytes in the whole recording. */
  length: number;
  chunks: number;
  key: Buffer;
}

export function encodeHeader(header: RecordingHeader): string {
  return JSON.stringify({
    format: FORMAT_VERSION,
    chunkSize: header.chunkSize,
    length: header.length,
    chunks: header.chunks,
    key: header.key.toString('base64'),
  });
}

/** The header's fields, checked against each other: an authentic header that does not add up is refused too. */
export function decodeHeader(id: string, text: string): RecordingHeader {
  const bad = (detail: string) => new RecordingUnreadableError('header', id, detail);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('the header is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw bad('the header is not an object');
  const fields = value as Record<string, unknown>;
  if (fields.format !== FORMAT_VERSION) throw bad(`unknown format ${String(fields.format)}`);
  const { chunkSize, length, chunks, key } = fields;
  if (typeof chunkSize !== 'number' || typeof length !== 'number' || typeof chunks !== 'number') {
    throw bad('the header lacks its sizes');
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw bad('the chunk size is out of range');
  }
  if (!Number.isSafeInteger(length) || length < 0 || chunks !== chunkCount(length, chunkSize)) {
    throw bad('the length and the chunk count do not agree');
  }
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.alloc(0);
  if (keyBytes.length !== CONTENT_KEY_BYTES) throw bad('the content key is not 32 bytes');
  return { chunkSize, length, chunks, key: keyBytes };
}
