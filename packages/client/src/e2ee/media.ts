import type { EpochKeySink, FrameStats, StreamKind } from '@conclave/e2ee';
import type { TrackSource } from '@conclave/protocol';
import { ConclaveError } from '../errors';
import { TypedEmitter } from '../events';
import { emptyStats, type FromWorker, type ToWorker, type TransformOptions } from './messages';

export interface E2eeMediaEvents {
  /** The worker's frame counts changed (at most about once a second). */
  stats: [stats: FrameStats];
  /** This page's frames now go out under `epoch` (the first one did, after `activate`). */
  sending: [epoch: bigint];
  /** Something the counts do not show: a key the worker refused, a stream it cannot protect. */
  error: [error: Error];
}

/** Chromium's switch for createEncodedStreams; set, every sender and receiver must be piped. */
export interface E2eePeerOptions {
  encodedInsertableStreams?: true;
}

/** The stream of the KID each source's frames carry. */
const STREAM_OF: Record<TrackSource, StreamKind> = {
  microphone: 'audio',
  camera: 'camera',
  screen: 'screen',
};

/** Chromium's original encoded transform API, which the DOM library does not declare. */
interface EncodedStreamsEndpoint {
  createEncodedStreams(): { readable: ReadableStream<unknown>; writable: WritableStream<unknown> };
}

const hasScriptTransform = () => typeof RTCRtpScriptTransform !== 'undefined';
const hasEncodedStreams = () =>
  typeof RTCRtpSender !== 'undefined' &&
  'createEncodedStreams' in RTCRtpSender.prototype &&
  typeof RTCRtpReceiver !== 'undefined' &&
  'createEncodedStreams' in RTCRtpReceiver.prototype;

/**
 * The media side of end-to-end encryption in a page: one worker holding the media keys of one MLS
 * group at a time, through which every frame of the protected senders and receivers passes. The
 * group (E2eeMember) feeds it keys as an EpochKeySink. A sender encrypts nothing, and so sends
 * nothing, until an epoch is active; a receiver passes on only the frames that authenticate.
 */
export class E2eeMedia extends TypedEmitter<E2eeMediaEvents> implements EpochKeySink {
  private readonly worker: Worker;
  private readonly scriptTransform = hasScriptTransform();
  private readonly attached = new WeakSet<RTCRtpSender | RTCRtpReceiver>();
  /** The protected camera and screen senders, which start on a key frame under each new epoch. */
  private readonly videoSenders = new Set<RTCRtpSender>();
  private last: FrameStats = emptyStats();
  private lastOffered: Record<StreamKind, number> = { audio: 0, camera: 0, screen: 0 };
  /** Callers of countOffered waiting for the worker's next counts. */
  private counting: Array<(offered: Record<StreamKind, number>) => void> = [];
  private closed = false;

  /**
   * Whether this browser can run E2EE media: RTCRtpScriptTransform or createEncodedStreams, and
   * WebCrypto (only in secure contexts).
   */
  static supported(): boolean {
    return (
      typeof Worker !== 'undefined' &&
      Boolean(globalThis.crypto?.subtle) &&
      (hasScriptTransform() || hasEncodedStreams())
    );
  }

  /**
   * What both peer connections of an E2EE call are created with. Only the createEncodedStreams
   * fallback needs something (and only then: with it, a sender or receiver that is not piped stalls),
   * so a call without E2EE must not use it.
   */
  static peerConnectionOptions(): E2eePeerOptions {
    return hasScriptTransform() ? {} : { encodedInsertableStreams: true };
  }

  constructor() {
    super();
    this.worker = new Worker(new URL('./media-worker.ts', import.meta.url), {
      type: 'module',
      name: 'conclave-e2ee-media',
    });
    this.worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if (this.closed) return;
      if (data.type === 'stats') {
        this.last = data.stats;
        this.lastOffered = data.offered;
        const counting = this.counting;
        this.counting = [];
        for (const resolve of counting) resolve(data.offered);
        this.emit('stats', this.stats());
      } else if (data.type === 'sending') {
        this.emit('sending', data.epoch);
      } else {
        this.emit('error', new Error(data.message));
      }
    };
    this.worker.onerror = (event) => {
      if (!this.closed) this.emit('error', new Error(`E2EE media worker: ${event.message}`));
    };
  }

  install(epoch: bigint, baseKey: Uint8Array, ownLeaf: number): void {
    this.post({ type: 'install', epoch, baseKey, ownLeaf });
  }

  activate(epoch: bigint, newcomers: boolean): void {
    this.post({ type: 'activate', epoch });
    // Who just got this epoch's keys decodes nothing before a key frame under it. Everyone else
    // decodes on: restarting the encoder for them would only cost a frame.
    if (!newcomers) return;
    for (const sender of this.videoSenders) {
      restartOnKeyFrame(sender).catch(() => this.videoSenders.delete(sender));
    }
  }

  clear(): void {
    this.post({ type: 'clear' });
  }

  /**
   * Encrypts everything `sender` sends from now on. Call it before the sender has a track to send, or
   * at least before its connection is negotiated; again for the same sender does nothing.
   */
  protectSender(sender: RTCRtpSender, source: TrackSource): void {
    this.attach(sender, { side: 'send', stream: STREAM_OF[source] });
    if (source !== 'microphone') this.videoSenders.add(sender);
  }

  /** Decrypts what `receiver` receives; call it as soon as the receiver exists (the offer applied). */
  protectReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video'): void {
    this.attach(receiver, { side: 'receive', kind });
  }

  /**
   * Frames `source`'s sender handed to the worker so far, counted now rather than as last reported
   * (about once a second): a second of three simulcast layers is a lot of frames.
   */
  countOffered(source: TrackSource): Promise<number> {
    if (this.closed) return Promise.resolve(this.lastOffered[STREAM_OF[source]]);
    return new Promise((resolve) => {
      this.counting.push((offered) => resolve(offered[STREAM_OF[source]]));
      this.post({ type: 'count' });
    });
  }

  /** The counts the worker last reported. */
  stats(): FrameStats {
    return { ...this.last, dropped: { ...this.last.dropped } };
  }

  /** Stops the worker, keys and all: protected senders and receivers pass nothing after this. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.terminate();
    // Nobody will count any more: what was counted stands.
    for (const resolve of this.counting) resolve(this.lastOffered);
    this.counting = [];
  }

  private attach(endpoint: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.closed) throw new Error('E2EE media is closed');
    if (this.attached.has(endpoint)) return;
    if (this.scriptTransform) {
      const transform = new RTCRtpScriptTransform(this.worker, options);
      endpoint.transform = transform;
      // A browser that silently ignores the transform would send or play media in clear.
      if (endpoint.transform !== transform) {
        throw new ConclaveError('e2ee_unsupported', 'This browser did not accept the encrypting transform');
      }
    } else {
      const { readable, writable } = (endpoint as unknown as EncodedStreamsEndpoint).createEncodedStreams();
      this.post({ type: 'streams', readable, writable, ...options }, [readable, writable]);
    }
    this.attached.add(endpoint);
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    if (!this.closed) this.worker.postMessage(message, transfer);
  }
}

/**
 * Makes `sender`'s encoder go on from a key frame. RTCRtpScriptTransformer.generateKeyFrame would do
 * it from the worker, but Chromium (156) lacks it; a key frame request from the receiver goes through
 * Janus, which passes on at most one a second per stream, and the one it sent when the joiner
 * subscribed, before it had keys, had used that up: ~300 ms of every E2EE join went waiting for it.
 * Pausing the encoding for one setParameters round trip restarts the encoder on a key frame, at the
 * cost of a short pause for those already watching (a frame or two; longer on a loaded machine).
 */
async function restartOnKeyFrame(sender: RTCRtpSender): Promise<void> {
  const paused = sender.getParameters();
  // Every simulcast layer (MEET-QUALITY) restarts: a receiver may be on any of them.
  const layers = paused.encodings.flatMap((e, i) => (e.active === false ? [] : [i]));
  // Nothing is being encoded, or another switch is restarting it already.
  if (!sender.track || layers.length === 0) return;
  for (const i of layers) paused.encodings[i]!.active = false;
  await sender.setParameters(paused);
  const resume = async () => {
    const resumed = sender.getParameters();
    for (const i of layers) if (resumed.encodings[i]) resumed.encodings[i].active = true;
    await sender.setParameters(resumed);
  };
  // A camera left paused would be a frozen picture for everyone: try twice.
  await resume().catch(resume);
}
