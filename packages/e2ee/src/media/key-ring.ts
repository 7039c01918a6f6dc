import { equalBytes } from '../sframe/bytes';
import { SFrameReceiver, SFrameSender, type DropReason } from '../sframe/context';
import { deriveSFrameKey, type SFrameKey } from '../sframe/frame';
import type { MediaCodec } from './codecs';
import { authenticates, decryptFrame, encryptFrame, splitFrame } from './frame-crypto';
import {
  encodeKid,
  MEDIA_BASE_KEY_LENGTH,
  MEDIA_KID_LAYOUT,
  MEDIA_SUITE,
  parseKid,
  StreamContext,
  type StreamKind,
} from './kid';

export interface KeyRingOptions {
  /** This member's MLS leaf index: the sender index in the KIDs of its frames. */
  senderIndex: number;
  /** How long frames of epochs older than the active one are still accepted (default 10 s). */
  overlapMs?: number;
  /** A clock in milliseconds (default Date.now). */
  now?: () => number;
}

/** Counts since the ring was made, for the UI. */
export interface FrameStats {
  encrypted: number;
  decrypted: number;
  /** Outgoing frames not sent because no epoch was active yet. */
  withheld: number;
  dropped: Record<DropReason, number>;
}

export type ReceivedMediaFrame =
  | { ok: true; frame: Uint8Array<ArrayBuffer>; epoch: bigint; senderIndex: number; stream: StreamKind }
  | { ok: false; reason: DropReason };

/** The sending side of one outgoing stream (one per track a worker transforms). */
export interface FrameEncryptor {
  /** Null when no epoch is active yet: the frame must not be sent at all. */
  encrypt(codec: MediaCodec, frame: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null>;
}

interface ReceiveEpoch {
  epoch: bigint;
  baseKey: Uint8Array;
  /** Holds the keys of senders whose frames authenticated; each with its replay window. */
  receiver: SFrameReceiver;
  /** Derivations under way, so that the first frames of a new sender, arriving together, derive once. */
  deriving: Map<bigint, Promise<SFrameKey>>;
  /** When it is forgotten: set once a newer epoch is active. */
  retireAt: number;
}

interface SendEpoch {
  epoch: bigint;
  baseKey: Uint8Array;
  senders: Map<StreamKind, Promise<SFrameSender>>;
}

const EPOCH_MASK = (1n << BigInt(MEDIA_KID_LAYOUT.epochBits)) - 1n;
const STREAM_OF_CONTEXT = new Map(
  (Object.entries(StreamContext) as [StreamKind, number][]).map(([stream, context]) => [context, stream]),
);

/**
 * The media keys of one member in one MLS group, as a worker holds them. A new epoch is installed
 * first, so that receivers decrypt it as soon as anyone sends on it, and activated later, when the
 * group switches: local senders move to it and the older epochs stay readable for the overlap, so
 * that the media of members still sending on them shows no gap.
 */
export class MediaKeyRing {
  /** By the epoch bits of their KIDs: a frame's KID selects its epoch, nothing is tried in turn. */
  private readonly epochs = new Map<number, ReceiveEpoch>();
  private sending: SendEpoch | null = null;
  /** Survives forgetAll: the same epoch activated again would restart counters under the same key. */
  private lastActivated = -1n;
  private readonly senderIndex: number;
  private readonly overlapMs: number;
  private readonly now: () => number;
  private readonly counts: FrameStats = {
    encrypted: 0,
    decrypted: 0,
    withheld: 0,
    dropped: { malformed: 0, unknown_key: 0, replayed: 0, too_old: 0, auth_failed: 0 },
  };

  constructor(options: KeyRingOptions) {
    encodeKid(0, options.senderIndex, 0n); // refuses an index that does not fit a KID
    this.senderIndex = options.senderIndex;
    this.overlapMs = options.overlapMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Prepares to receive `epoch`, without switching the senders to it. */
  install(epoch: bigint, baseKey: Uint8Array): void {
    if (baseKey.length !== MEDIA_BASE_KEY_LENGTH)
      throw new RangeError(`a media base key is ${MEDIA_BASE_KEY_LENGTH} bytes`);
    this.prune();
    const bits = Number(epoch & EPOCH_MASK);
    const held = this.epochs.get(bits);
    if (epoch < 0n || epoch < (this.sending?.epoch ?? 0n) || epoch < (held?.epoch ?? 0n))
      throw new RangeError(`epoch ${epoch} is older than one already in use`);
    if (held?.epoch === epoch) {
      if (!equalBytes(held.baseKey, baseKey)) throw new Error(`epoch ${epoch} installed with another key`);
      return;
    }
    // RFC 9605 §5.2: an epoch whose KIDs are those of a held one replaces it.
    this.epochs.set(bits, {
      epoch,
      baseKey: baseKey.slice(),
      receiver: new SFrameReceiver(),
      deriving: new Map(),
      retireAt: Infinity,
    });
  }

  /** Switches the local senders to an installed epoch; older epochs are forgotten after the overlap. */
  activate(epoch: bigint): void {
    if (this.sending?.epoch === epoch) return;
    if (epoch <= this.lastActivated) throw new RangeError(`epoch ${epoch} is not newer than the last active`);
    this.prune();
    const held = this.epochs.get(Number(epoch & EPOCH_MASK));
    if (held?.epoch !== epoch) throw new RangeError(`epoch ${epoch} is not installed`);
    this.sending = { epoch, baseKey: held.baseKey, senders: new Map() };
    this.lastActivated = epoch;
    const retireAt = this.now() + this.overlapMs;
    for (const e of this.epochs.values()) if (e.epoch < epoch) e.retireAt = Math.min(e.retireAt, retireAt);
  }

  /** The encryptor of one outgoing stream; every encryptor of a stream shares its sender and counter. */
  encryptor(stream: StreamKind): FrameEncryptor {
    return {
      encrypt: async (codec, frame) => {
        const sending = this.sending;
        if (!sending) {
          this.counts.withheld++;
          return null;
        }
        const out = await encryptFrame(await this.senderOf(sending, stream), codec, frame);
        this.counts.encrypted++;
        return out;
      },
    };
  }

  async decrypt(codec: MediaCodec, data: Uint8Array): Promise<ReceivedMediaFrame> {
    this.prune();
    const frame = splitFrame(codec, data);
    if (!frame) return this.drop('malformed');
    const { context, senderIndex, epochBits } = parseKid(frame.kid);
    const stream = STREAM_OF_CONTEXT.get(context);
    const held = this.epochs.get(epochBits);
    if (!held || !stream) return this.drop('unknown_key');
    if (!held.receiver.hasKey(frame.kid)) {
      // Kept only once a frame authenticates under it, so forged KIDs leave nothing behind (the price:
      // a sender's first frame in an epoch is opened twice).
      const key = await this.keyOf(held, frame.kid);
      if (!(await authenticates(key, frame))) return this.drop('auth_failed');
      if (!held.receiver.hasKey(frame.kid)) held.receiver.addKey(key);
    }
    const opened = await decryptFrame(held.receiver, frame);
    if (!opened.ok) return this.drop(opened.reason);
    this.counts.decrypted++;
    return { ok: true, frame: opened.frame, epoch: held.epoch, senderIndex, stream };
  }

  stats(): FrameStats {
    return { ...this.counts, dropped: { ...this.counts.dropped } };
  }

  /** Forgets every key, on leaving: nothing is sent or received after. */
  forgetAll(): void {
    this.epochs.clear();
    this.sending = null;
  }

  private senderOf(sending: SendEpoch, stream: StreamKind): Promise<SFrameSender> {
    let sender = sending.senders.get(stream);
    if (!sender) {
      const kid = encodeKid(StreamContext[stream], this.senderIndex, sending.epoch);
      sender = deriveSFrameKey(MEDIA_SUITE, kid, sending.baseKey).then((key) => new SFrameSender(key));
      sending.senders.set(stream, sender);
    }
    return sender;
  }

  private async keyOf(held: ReceiveEpoch, kid: bigint): Promise<SFrameKey> {
    let pending = held.deriving.get(kid);
    if (!pending) {
      pending = deriveSFrameKey(MEDIA_SUITE, kid, held.baseKey);
      held.deriving.set(kid, pending);
    }
    try {
      return await pending;
    } finally {
      held.deriving.delete(kid);
    }
  }

  private prune(): void {
    const now = this.now();
    for (const [bits, e] of this.epochs) if (e.retireAt <= now) this.epochs.delete(bits);
  }

  private drop(reason: DropReason): ReceivedMediaFrame {
    this.counts.dropped[reason]++;
    return { ok: false, reason };
  }
}
