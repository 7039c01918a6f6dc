import type { ParticipantInfo, StreamInfo, TrackSource } from '@conclave/protocol';

/** Identifies "participant P's camera" independently of which media section carries it. */
export function streamKey(stream: { participantId: string; source: TrackSource }): string {
  return `${stream.participantId}/${stream.source}`;
}

export interface StreamDiff<T extends StreamInfo> {
  added: T[];
  removed: T[];
}

/**
 * What changed between two subscription stream lists. A stream that moved to another media section,
 * or whose section now carries a different track (`same` says so), counts as removed and added.
 */
export function diffStreams<T extends StreamInfo>(
  previous: readonly T[],
  next: readonly T[],
  same: (a: T, b: T) => boolean = () => true,
): StreamDiff<T> {
  const before = new Map(previous.map((s) => [streamKey(s), s]));
  const after = new Map(next.map((s) => [streamKey(s), s]));
  const added: T[] = [];
  const removed: T[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    if (!now || now.mid !== old.mid || !same(old, now)) removed.push(old);
  }
  for (const [key, now] of after) {
    const old = before.get(key);
    if (!old || now.mid !== old.mid || !same(old, now)) added.push(now);
  }
  return { added, removed };
}

/** The stream list indexed by media section id; later duplicates of a mid are ignored. */
export function indexByMid<T extends StreamInfo>(streams: readonly T[]): Map<string, T> {
  const byMid = new Map<string, T>();
  for (const s of streams) if (!byMid.has(s.mid)) byMid.set(s.mid, s);
  return byMid;
}

/**
 * Whether joining with this roster brings a subscription offer: the server subscribes a newcomer
 * to what someone else publishes (muted tracks too), videos only when it picks them (`videoToo`).
 */
export function expectsSubscription(
  participants: readonly ParticipantInfo[],
  selfId: string,
  videoToo: boolean,
): boolean {
  return participants.some(
    (p) => p.id !== selfId && p.tracks.some((t) => videoToo || t.source === 'microphone'),
  );
}
