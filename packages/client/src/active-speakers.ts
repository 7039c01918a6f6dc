import type { Participant } from './participant';

/**
 * Who speaks now, as the server last said (MEET-LAYOUT: Janus's audio levels, which stay readable
 * under E2EE), most recent speaker first; it keeps each participant's `isSpeaking` in line.
 */
export class ActiveSpeakerState {
  private list: Participant[] = [];

  get speakers(): Participant[] {
    return [...this.list];
  }

  /** Takes the server's list; ids nobody here has (yet) are left out. True when it changed. */
  apply(ids: readonly string[], find: (id: string) => Participant | undefined): boolean {
    const next: Participant[] = [];
    for (const id of ids) {
      const participant = find(id);
      if (participant && !next.includes(participant)) next.push(participant);
    }
    return this.set(next);
  }

  /** The participant left: it speaks no more. True when it was speaking. */
  remove(participant: Participant): boolean {
    if (!this.list.includes(participant)) return false;
    return this.set(this.list.filter((p) => p !== participant));
  }

  /** Nobody speaks (the room disconnected or joined afresh). True when someone was. */
  clear(): boolean {
    return this.set([]);
  }

  private set(next: Participant[]): boolean {
    const same = next.length === this.list.length && next.every((p, i) => p === this.list[i]);
    if (same) return false;
    for (const p of this.list) if (!next.includes(p)) p.setSpeaking(false);
    for (const p of next) p.setSpeaking(true);
    this.list = next;
    return true;
  }
}
