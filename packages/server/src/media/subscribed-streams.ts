// The streams of a multistream subscription, as Janus names them and as Subscriber pairs them up.

/** A publisher's stream to receive: the feed and the publisher-side mid. */
export interface StreamSource {
  feed: number;
  mid: string;
  /**
   * What it is: a stream replaces another of its kind in place (`switch`, no renegotiation). Without
   * it, the stream is only ever added and removed.
   */
  type?: 'audio' | 'video';
  /** The simulcast layer a video starts on (the highest without it). */
  substream?: number;
}

/** Which simulcast layer (substream) and frame rate (temporal layer) one video m-line should relay. */
export interface LayerChoice {
  /** The subscriber-side mid. */
  mid: string;
  substream: number;
  temporal: number;
}

/** One m-line of the subscriber PeerConnection. */
export interface SubscribedStream {
  /** The subscriber-side mid (what the client's transceiver sees). */
  mid: string;
  type: 'audio' | 'video' | 'data';
  feed: number;
  feedMid: string;
}

/** One publisher stream, as a map key. */
export const streamKey = (s: StreamSource) => `${s.feed}\u0000${s.mid}`;

export const pairKey = ({ from, to }: { from: SubscribedStream; to: StreamSource }) =>
  `${from.mid}\u0000${streamKey(to)}`;

/**
 * Which wanted streams can take over which unwanted m-lines: one of the same kind each, in order,
 * leaving out pairs Janus already refused to switch.
 */
export function pairUp(
  add: readonly StreamSource[],
  remove: readonly SubscribedStream[],
  unswitchable: ReadonlySet<string>,
): Array<{ from: SubscribedStream; to: StreamSource }> {
  const pairs: Array<{ from: SubscribedStream; to: StreamSource }> = [];
  const free = [...remove];
  for (const to of add) {
    if (to.type === undefined) continue;
    const i = free.findIndex((from) => from.type === to.type && !unswitchable.has(pairKey({ from, to })));
    if (i < 0) continue;
    pairs.push({ from: free[i]!, to });
    free.splice(i, 1);
  }
  return pairs;
}

export function parseSubscribedStreams(value: unknown[]): SubscribedStream[] {
  const out: SubscribedStream[] = [];
  for (const s of value as Array<Record<string, unknown>>) {
    // Janus keeps removed m-lines as inactive slots: they carry no feed.
    if (s.active === false || typeof s.mid !== 'string' || typeof s.feed_id !== 'number') continue;
    if (typeof s.feed_mid !== 'string') continue;
    if (s.type !== 'audio' && s.type !== 'video' && s.type !== 'data') continue;
    out.push({ mid: s.mid, type: s.type, feed: s.feed_id, feedMid: s.feed_mid });
  }
  return out;
}
