import { Readable } from 'node:stream';
import { SealError, type Vault } from '../../at-rest';
import { RecordingUnreadableError } from './errors';
import { chunkKey, decodeHeader, headerContext, headerKey, openChunk, type RecordingHeader } from './format';
import type { ObjectStore } from './store';

/** A stored recording, opened: its size, and its plaintext by byte range (HTTP Range requests). */
export interface SealedRecording {
  readonly size: number;
  /**
   * The bytes from `start` to `endInclusive` (the whole recording by default), fetching and opening
   * only the chunks the range touches. An unreadable chunk ends the iteration with a
   * RecordingUnreadableError: what came before it was authentic, nothing after it is given out.
   */
  read(start?: number, endInclusive?: number): AsyncIterable<Buffer>;
  /** read() as a Node stream, e.g. for an HTTP reply. */
  stream(start?: number, endInclusive?: number): Readable;
}

export async function openRecording(
  store: ObjectStore,
  vault: Pick<Vault, 'open'>,
  organisationId: string,
  id: string,
): Promise<SealedRecording> {
  const stored = await store.get(headerKey(id));
  if (!stored) throw new RecordingUnreadableError('incomplete', id, 'it has no header');
  let text: string;
  try {
    text = await vault.open(organisationId, stored.toString('utf8'), headerContext(id));
  } catch (error) {
    if (error instanceof SealError) {
      throw new RecordingUnreadableError('header', id, 'the header does not open for this organisation');
    }
    throw error;
  }
  const header = decodeHeader(id, text);
  return {
    size: header.length,
    read: (start, end) => readRange(store, id, header, start ?? 0, end ?? header.length - 1),
    stream: (start, end) =>
      Readable.from(readRange(store, id, header, start ?? 0, end ?? header.length - 1), {
        objectMode: false,
      }),
  };
}

function readRange(
  store: ObjectStore,
  id: string,
  header: RecordingHeader,
  start: number,
  end: number,
): AsyncIterable<Buffer> {
  const { length, chunkSize, chunks, key } = header;
  // The whole of an empty recording is the one empty range there is.
  const wholeOfEmpty = length === 0 && start === 0 && end === -1;
  if (
    !wholeOfEmpty &&
    !(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end && end < length)
  ) {
    throw new RangeError(`bytes ${start}-${end} are not within the recording's ${length} bytes`);
  }
  return (async function* () {
    if (wholeOfEmpty) return;
    const first = Math.floor(start / chunkSize);
    const lastTouched = Math.floor(end / chunkSize);
    const fetchChunk = (index: number) => {
      const pending = store.get(chunkKey(id, index));
      // Handled here in case the consumer stops before awaiting it; awaiting it still throws.
      pending.catch(() => {});
      return pending;
    };
    let next = fetchChunk(first);
    for (let index = first; index <= lastTouched; index++) {
      const sealed = await next;
      // One chunk ahead, so a remote store's latency overlaps with the consumer's work.
      if (index < lastTouched) next = fetchChunk(index + 1);
      if (!sealed) throw new RecordingUnreadableError('missing-chunk', id, `chunk ${index} is missing`);
      const isLast = index === chunks - 1;
      const plaintext = openChunk(key, id, index, isLast, sealed);
      const expected = isLast ? length - index * chunkSize : chunkSize;
      if (plaintext.length !== expected) {
        throw new RecordingUnreadableError('chunk', id, `chunk ${index} has the wrong length`);
      }
      const chunkStart = index * chunkSize;
      yield plaintext.subarray(Math.max(start - chunkStart, 0), Math.min(end - chunkStart + 1, expected));
    }
  })();
}
