import type { Vault } from '../../at-rest';
import { assertChunkSize, assertRecordingId, DEFAULT_CHUNK_SIZE, recordingPrefix } from './format';
import { openRecording, type SealedRecording } from './reader';
import type { ObjectStore } from './store';
import { SealedRecordingWriter } from './writer';

export interface RecordingStorageOptions {
  store: ObjectStore;
  /** Seals each recording's header (its content key) under the organisation's data key. */
  vault: Pick<Vault, 'seal' | 'open'>;
  /** Plaintext bytes per chunk: 1 MiB, smaller in tests. */
  chunkSize?: number;
}

/**
 * Recordings kept sealed in one store (REC-STORE): written as a stream, read back by byte range.
 * Which store a recording is in (its meeting's region) is the caller's to remember.
 */
export class RecordingStorage {
  private readonly chunkSize: number;

  constructor(private readonly options: RecordingStorageOptions) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    assertChunkSize(this.chunkSize);
  }

  createWriter(organisationId: string, id: string): SealedRecordingWriter {
    assertRecordingId(id);
    const { store, vault } = this.options;
    return new SealedRecordingWriter({ store, vault, organisationId, id, chunkSize: this.chunkSize });
  }

  /** Throws RecordingUnreadableError when it has no header, or the header does not open or add up. */
  open(organisationId: string, id: string): Promise<SealedRecording> {
    assertRecordingId(id);
    return openRecording(this.options.store, this.options.vault, organisationId, id);
  }

  /** Removes every object of the recording, finished or not. */
  async delete(id: string): Promise<void> {
    assertRecordingId(id);
    const { store } = this.options;
    const keys = await store.list(recordingPrefix(id));
    // The header first: a deletion cut short leaves an incomplete recording, never a readable part.
    const header = keys.filter((k) => k.endsWith('/header'));
    await store.delete(header);
    await store.delete(keys.filter((k) => !k.endsWith('/header')));
  }
}
