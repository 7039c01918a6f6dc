/** Why a recording cannot be read. */
export type UnreadableReason =
  /** No header: the recording was never finished, was deleted, or its header was removed. */
  | 'incomplete'
  /** The header does not open for this organisation and recording, or does not make sense. */
  | 'header'
  /** A chunk the header counts is not in the store (dropped, truncated). */
  | 'missing-chunk'
  /** A chunk does not open at its place: altered, swapped, moved, or from another recording. */
  | 'chunk';

/**
 * A recording that cannot be read as it was written. Readers get this instead of bytes, never
 * plaintext that failed its authentication check.
 */
export class RecordingUnreadableError extends Error {
  constructor(
    readonly reason: UnreadableReason,
    readonly recordingId: string,
    detail: string,
  ) {
    super(`recording ${recordingId} is unreadable (${reason}): ${detail}`);
    this.name = 'RecordingUnreadableError';
  }
}
