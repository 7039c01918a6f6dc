import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Vault } from '../../at-rest';
import {
  CONTENT_KEY_BYTES,
  chunkKey,
  encodeHeader,
  headerContext,
  headerKey,
  recordingPrefix,
  sealChunk,
} from './format';
import type { ObjectStore } from './store';

export interface WriterOptions {
  store: ObjectStore;
  vault: Pick<Vault, 'seal'>;
  organisationId: string;
  id: string;
  chunkSize: number;
}

export interface WrittenRecording {
  size: number;
  chunks: number;
}

type State = 'open' | 'finished' | 'aborted' | 'failed';

/**
 * Seals a recording as its producer (ffmpeg's output) hands over bytes in pieces of any size: each
 * chunk is sealed and stored as soon as it is known not to be the last, so memory stays at about one
 * chunk however long the recording. The header goes last, so until finish() returns the recording
 * does not exist for readers; abort() removes what was stored.
 */
export class SealedRecordingWriter {
  private readonly key = randomBytes(CONTENT_KEY_BYTES);
  private readonly buffer: Buffer;
  private filled = 0;
  private index = 0;
  private length = 0;
  private state: State = 'open';
  // write(), finish() and abort() run one after another even when a caller does not await them.
  private queue: Promise<unknown> = Promise.resolve();
  private aborting: Promise<void> | undefined;

  constructor(private readonly options: WriterOptions) {
    this.buffer = Buffer.alloc(options.chunkSize);
  }

  /** Plaintext bytes accepted so far. */
  get bytesWritten(): number {
    return this.length;
  }

  /** Takes `bytes` once earlier calls are done: leave them unchanged until the promise settles. */
  write(bytes: Uint8Array): Promise<void> {
    return this.enqueue(() => this.take(bytes));
  }

  /** Stores the last chunk and then the header: from here on the recording can be read. */
  finish(): Promise<WrittenRecording> {
    return this.enqueue(async () => {
      // Only an empty recording ends with nothing buffered: a full chunk is held until more arrives.
      if (this.filled > 0) await this.flush(true);
      const { organisationId, id, chunkSize, store, vault } = this.options;
      const header = encodeHeader({ chunkSize, length: this.length, chunks: this.index, key: this.key });
      const sealed = await vault.seal(organisationId, header, headerContext(id));
      await store.put(headerKey(id), Buffer.from(sealed, 'utf8'));
      this.state = 'finished';
      this.forget();
      return { size: this.length, chunks: this.index };
    });
  }

  /**
   * Stops and deletes whatever was stored, e.g. when the producer failed; not after finish(). Calling
   * it again waits for the same deletion, so whoever sees a piped writer fail can await the cleanup.
   */
  abort(): Promise<void> {
    if (this.state === 'finished')
      return Promise.reject(new Error('the recording is finished: delete it instead'));
    this.aborting ??= (async () => {
      this.state = 'aborted';
      await this.queue;
      this.forget();
      const { store, id } = this.options;
      await store.delete(await store.list(recordingPrefix(id)));
    })();
    return this.aborting;
  }

  /**
   * The writer as a Node stream, to pipe a producer into: its end finishes the recording, and a
   * failure or an early destroy() aborts it.
   */
  toWritable(): Writable {
    return new Writable({
      highWaterMark: this.options.chunkSize,
      write: (chunk: Buffer, _encoding, done) => {
        this.write(chunk).then(() => done(), done);
      },
      final: (done) => {
        this.finish().then(() => done(), done);
      },
      destroy: (error, done) => {
        if (this.state === 'finished') return done(error);
        this.abort().then(
          () => done(error),
          (abortError: unknown) => done(error ?? (abortError as Error)),
        );
      },
    });
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.state !== 'open') throw new Error(`the recording writer is ${this.state}`);
      try {
        return await step();
      } catch (error) {
        if (this.state === 'open') this.state = 'failed';
        throw error;
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async take(bytes: Uint8Array): Promise<void> {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    while (offset < input.length) {
      // abort() waits for this write: stop storing chunks it would only delete.
      if (this.state !== 'open') throw new Error(`the recording writer is ${this.state}`);
      // A full chunk is sealed only now that a byte after it exists: then it is surely not the last.
      if (this.filled === this.buffer.length) await this.flush(false);
      const n = input.copy(this.buffer, this.filled, offset);
      this.filled += n;
      offset += n;
      this.length += n;
    }
  }

  private async flush(last: boolean): Promise<void> {
    const { store, id } = this.options;
    const sealed = sealChunk(this.key, id, this.index, last, this.buffer.subarray(0, this.filled));
    await store.put(chunkKey(id, this.index), sealed);
    this.index += 1;
    this.filled = 0;
  }

  /** The content key is only needed until the header holds it; plaintext not at all. */
  private forget(): void {
    this.key.fill(0);
    this.buffer.fill(0);
  }
}
