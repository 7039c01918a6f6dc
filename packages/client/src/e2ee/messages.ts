import type { FrameStats, StreamKind } from '@conclave/e2ee';

/** What a transform does, as `RTCRtpScriptTransform` options or with the fallback's streams. */
export type TransformOptions =
  /** An outgoing stream: its frames are encrypted under its own KID (and counter). */
  | { side: 'send'; stream: StreamKind }
  /** An incoming track: the KID in each frame says whose stream it is. */
  | { side: 'receive'; kind: 'audio' | 'video' };

/** The page's messages to the media worker. */
export type ToWorker =
  | { type: 'install'; epoch: bigint; baseKey: Uint8Array; ownLeaf: number }
  | { type: 'activate'; epoch: bigint }
  | { type: 'clear' }
  /** Report the counts now: the leak guard compares them with the encoder's, so lag would mislead it. */
  | { type: 'count' }
  /** The createEncodedStreams fallback: the streams of one sender or receiver, transferred. */
  | ({
      type: 'streams';
      readable: ReadableStream<unknown>;
      writable: WritableStream<unknown>;
    } & TransformOptions);

/** The media worker's messages to the page. */
export type FromWorker =
  /** `offered`: frames each outgoing stream handed to the worker, encrypted or not (see LeakGuard). */
  | { type: 'stats'; stats: FrameStats; offered: Record<StreamKind, number> }
  /** The first frame under a newly active epoch went out. */
  | { type: 'sending'; epoch: bigint }
  | { type: 'error'; message: string };

/** Counts before the worker has reported any. */
export function emptyStats(): FrameStats {
  return {
    encrypted: 0,
    decrypted: 0,
    withheld: 0,
    dropped: { malformed: 0, unknown_key: 0, replayed: 0, too_old: 0, auth_failed: 0 },
  };
}
