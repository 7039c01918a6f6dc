import { MediaKeyRing, type FrameStats, type MediaCodec, type StreamKind } from '@conclave/e2ee';
import { emptyStats } from './messages';

function sum(a: FrameStats, b: FrameStats): FrameStats {
  const dropped = { ...a.dropped };
  for (const reason of Object.keys(dropped) as (keyof FrameStats['dropped'])[])
    dropped[reason] += b.dropped[reason];
  return {
    encrypted: a.encrypted + b.encrypted,
    decrypted: a.decrypted + b.decrypted,
    withheld: a.withheld + b.withheld,
    dropped,
  };
}

/**
 * The keys of the worker: one MediaKeyRing per MLS group, made by the first install (the ring needs
 * our own leaf index, which only the group knows) and dropped on clear, so that a new group starts
 * from a new ring. Without a ring nothing is sent and nothing is received. Counts run across rings,
 * for as long as the worker lives.
 */
export class WorkerKeys {
  private ring: MediaKeyRing | null = null;
  private ownLeaf = -1;
  private active: bigint | null = null;
  /** The epoch of the last frame sent, so that each switch is heard of once. */
  private sent: bigint | null = null;
  /** What earlier rings counted, and the frames that found no ring at all. */
  private carried = emptyStats();
  private readonly offered: Record<StreamKind, number> = { audio: 0, camera: 0, screen: 0 };

  /** `onSending` hears of the first frame sent under each newly active epoch. */
  constructor(private readonly onSending: (epoch: bigint) => void = () => undefined) {}

  install(epoch: bigint, baseKey: Uint8Array, ownLeaf: number): void {
    if (this.ring && ownLeaf !== this.ownLeaf)
      throw new Error(`epoch ${epoch} names leaf ${ownLeaf}, the group has us at leaf ${this.ownLeaf}`);
    if (!this.ring) {
      this.ring = new MediaKeyRing({ senderIndex: ownLeaf });
      this.ownLeaf = ownLeaf;
    }
    this.ring.install(epoch, baseKey);
  }

  activate(epoch: bigint): void {
    if (!this.ring) throw new RangeError(`epoch ${epoch} is not installed`);
    this.ring.activate(epoch);
    this.active = epoch;
  }

  clear(): void {
    if (!this.ring) return;
    this.ring.forgetAll();
    this.carried = sum(this.carried, this.ring.stats());
    this.ring = null;
    this.active = null;
    this.sent = null;
  }

  /** The frame as it goes on the wire, or null when it must not be sent. */
  async encrypt(stream: StreamKind, codec: MediaCodec, frame: Uint8Array): Promise<ArrayBuffer | null> {
    this.offered[stream]++;
    if (!this.ring) {
      this.carried.withheld++;
      return null;
    }
    // The ring picks the epoch when the call starts, as read here.
    const epoch = this.active;
    const sealed = await this.ring.encryptor(stream).encrypt(codec, frame);
    if (sealed && epoch !== null && epoch !== this.sent) {
      this.sent = epoch;
      this.onSending(epoch);
    }
    return sealed && ownBuffer(sealed);
  }

  /** The frame for the decoder, or null when it must not reach it (counted by reason). */
  async decrypt(codec: MediaCodec, frame: Uint8Array): Promise<ArrayBuffer | null> {
    if (!this.ring) {
      this.carried.dropped.unknown_key++;
      return null;
    }
    const opened = await this.ring.decrypt(codec, frame);
    return opened.ok ? ownBuffer(opened.frame) : null;
  }

  /** A received frame that cannot be ours (a codec the frame layer does not know). */
  malformed(): void {
    this.carried.dropped.malformed++;
  }

  /** Frames each outgoing stream handed over, sent or withheld. */
  offeredFrames(): Record<StreamKind, number> {
    return { ...this.offered };
  }

  stats(): FrameStats {
    return sum(this.carried, this.ring?.stats() ?? emptyStats());
  }
}

/** An encoded frame's data must be a whole ArrayBuffer. */
function ownBuffer(bytes: Uint8Array<ArrayBuffer>): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.slice().buffer;
}
