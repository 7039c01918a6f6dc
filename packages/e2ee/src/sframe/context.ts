import { decodeHeader, MAX_U64, SFrameFormatError } from './header';
import { openFrame, sealFrame, type SFrameKey } from './frame';

/**
 * One sender: its key and a counter that only goes up, so no key/nonce pair is ever used twice.
 * When the counter is spent the sender refuses to encrypt; a new key (a new epoch) must come first.
 */
export class SFrameSender {
  private next = 0n;

  constructor(private readonly key: SFrameKey) {}

  get kid(): bigint {
    return this.key.kid;
  }

  /** Frames sent so far with this key. */
  get counter(): bigint {
    return this.next;
  }

  /** The SFrame ciphertext, after `prefix` (see sealFrame). */
  encrypt(
    plaintext: Uint8Array,
    metadata: Uint8Array = new Uint8Array(0),
    prefix?: Uint8Array,
  ): Promise<Uint8Array<ArrayBuffer>> {
    if (this.next > MAX_U64) throw new RangeError('SFrame counter exhausted: rotate the key');
    const ctr = this.next++;
    return sealFrame(this.key, ctr, metadata, plaintext, prefix);
  }
}

/** Why a received frame was dropped. */
export type DropReason = 'malformed' | 'unknown_key' | 'replayed' | 'too_old' | 'auth_failed';

export type OpenResult =
  | { ok: true; kid: bigint; ctr: bigint; plaintext: Uint8Array<ArrayBuffer> }
  | { ok: false; reason: DropReason };

/** How far back (in counter values) a frame may arrive out of order and still be accepted. */
export const REPLAY_WINDOW = 128n;

interface ReceiveState {
  key: SFrameKey;
  /** Highest counter accepted so far, or -1 before the first. */
  highest: bigint;
  /** Bit i set: counter `highest - i` was accepted. */
  seen: bigint;
}

/**
 * Receiving side: the keys of every sender by KID, and per KID a sliding replay window. A frame is
 * accepted once; one older than the window, or seen already, is dropped, and the window moves only
 * after the frame authenticated (a forged frame cannot push real ones out of it).
 */
export class SFrameReceiver {
  private readonly keys = new Map<bigint, ReceiveState>();

  addKey(key: SFrameKey): void {
    this.keys.set(key.kid, { key, highest: -1n, seen: 0n });
  }

  removeKey(kid: bigint): void {
    this.keys.delete(kid);
  }

  hasKey(kid: bigint): boolean {
    return this.keys.has(kid);
  }

  async decrypt(frame: Uint8Array, metadata: Uint8Array = new Uint8Array(0)): Promise<OpenResult> {
    let header: ReturnType<typeof decodeHeader>;
    try {
      header = decodeHeader(frame);
    } catch (err) {
      if (err instanceof SFrameFormatError) return { ok: false, reason: 'malformed' };
      throw err;
    }
    const { kid, ctr } = header;
    const state = this.keys.get(kid);
    if (!state) return { ok: false, reason: 'unknown_key' };
    const verdict = windowVerdict(state, ctr);
    if (verdict) return { ok: false, reason: verdict };
    const opened = await openFrame(state.key, frame, metadata, header);
    if (!opened) return { ok: false, reason: 'auth_failed' };
    // Checked again: another frame with this counter may have been accepted while this one was opened.
    const again = windowVerdict(state, ctr);
    if (again) return { ok: false, reason: again };
    accept(state, ctr);
    return { ok: true, kid, ctr, plaintext: opened.plaintext };
  }
}

function windowVerdict(state: ReceiveState, ctr: bigint): DropReason | null {
  if (ctr > state.highest) return null;
  const age = state.highest - ctr;
  if (age >= REPLAY_WINDOW) return 'too_old';
  return (state.seen >> age) & 1n ? 'replayed' : null;
}

const WINDOW_MASK = (1n << REPLAY_WINDOW) - 1n;

function accept(state: ReceiveState, ctr: bigint): void {
  if (ctr > state.highest) {
    const shift = state.highest < 0n ? REPLAY_WINDOW : ctr - state.highest;
    state.seen = shift >= REPLAY_WINDOW ? 1n : ((state.seen << shift) | 1n) & WINDOW_MASK;
    state.highest = ctr;
  } else {
    state.seen |= 1n << (state.highest - ctr);
  }
}
