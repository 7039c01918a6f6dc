/**
 * How many microphones one participant receives at most (MEET-QUALITY). Each is an m-line of its
 * subscription, so this bounds the offer whatever the meeting's size; a meeting with no more
 * microphones than this (the common case) forwards every one and never switches
 * (docs/architecture.md, "Large meetings").
 */
export const DEFAULT_AUDIO_SLOTS = 8;

/** A published microphone, as the slots rank them. */
export interface Microphone {
  participantId: string;
  muted: boolean;
}

/**
 * Which microphones fill a participant's audio slots when there are more than slots: unmuted ones
 * before muted ones, and within each those who spoke most recently (Janus's `talking`) first, then
 * the others in the order they came. The set moves only when someone outside it speaks, and then the one who spoke longest
 * ago makes room (the media server switches that slot's source; nobody renegotiates).
 */
export class AudioSlots {
  /** Participant ids, the most recent speaker first. */
  private recent: string[] = [];

  constructor(readonly size: number = DEFAULT_AUDIO_SLOTS) {}

  /**
   * `participantId` started talking. True when that can change what someone receives: it was not
   * among the `size + 1` most recent speakers (one of whom may be the receiver itself).
   */
  spoke(participantId: string): boolean {
    const at = this.recent.indexOf(participantId);
    if (at === 0) return false;
    if (at > 0) this.recent.splice(at, 1);
    this.recent.unshift(participantId);
    return at < 0 || at > this.size;
  }

  /** The participant left: its place among the speakers goes. */
  forget(participantId: string): void {
    this.recent = this.recent.filter((id) => id !== participantId);
  }

  /** The microphones one receiver gets out of `others` (in join order), at most `size`. */
  choose<T extends Microphone>(others: readonly T[]): T[] {
    if (others.length <= this.size) return [...others];
    const rank = new Map(this.recent.map((id, i) => [id, i]));
    // Unmuted before muted; within each, the latest speakers first, then who came first.
    const never = this.recent.length;
    const score = (m: T) => (m.muted ? never + 1 : 0) + (rank.get(m.participantId) ?? never);
    return others
      .map((m, order) => ({ m, order, score: score(m) }))
      .sort((a, b) => a.score - b.score || a.order - b.order)
      .slice(0, this.size)
      .map(({ m }) => m);
  }
}
