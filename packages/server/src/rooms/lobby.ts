import type { LobbyMode, RegionRtts, VideoSubscription, WaitingInfo } from '@conclave/protocol';
import type { Principal } from '../domain';
import type { JoinReply } from './room-context';
import type { MeetingMemory } from './meeting-memory';
import { rosterKind, type ParticipantSink } from './participant';
import { personKey } from './roles';

/** Someone waiting to be let in, with everything their join needs once a moderator admits them. */
export interface Knock {
  /** Becomes their participant id: an E2EE admission signed in the lobby names it. */
  id: string;
  principal: Principal;
  sink: ParticipantSink;
  reply: JoinReply;
  identityKey?: Uint8Array;
  /** What their browser measured to each media region; places the meeting if they are admitted first. */
  regionRtts?: RegionRtts;
  videoSubscription?: VideoSubscription;
  since: string;
  /** Signed by the anchor's device when its person admitted them (E2EE-ADMIT). */
  admission?: string;
  /** SHA-256 of the token that lets the wait go on on another socket (NET-SCALE), hex. */
  resumeHash?: string;
  /**
   * Taken over from a node that died, its connection not back yet: moderators neither see it nor
   * decide about it until it is (nobody would hear their decision).
   */
  held?: boolean;
  cancelTimer: () => void;
}

/** What the lobby decides about someone who joins. */
export type Door = 'enter' | 'wait' | 'refused';

/**
 * A meeting room's lobby (MEET-LOBBY): who waits, and what the room remembers about people for as
 * long as it lasts. Whoever a moderator let in comes back after a dropped connection without waiting
 * again; whoever was removed waits again whatever the meeting's setting; whoever was turned away is
 * refused. A guest is known only by the token it was issued, and anyone with the link can get a new
 * one: so once a guest was removed, every new guest waits, lest the removed one come back renamed.
 * It is pure bookkeeping: the room does the admitting and the telling.
 */
export class Lobby {
  private readonly knocks = new Map<string, Knock>();
  private readonly passes = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly refused = new Set<string>();
  /** A guest was removed: from now on guests wait, whatever the meeting's setting. */
  private guestsWait = false;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.knocks.size;
  }

  get full(): boolean {
    return this.knocks.size >= this.capacity;
  }

  /** Moderators always enter; others per the meeting's setting and what they did here before. */
  door(principal: Principal, mode: LobbyMode, moderator: boolean): Door {
    if (moderator) return 'enter';
    const key = personKey(principal);
    if (this.refused.has(key)) return 'refused';
    if (this.removed.has(key)) return 'wait';
    if (this.passes.has(key)) return 'enter';
    if (mode === 'everyone') return 'wait';
    if (principal.kind === 'guest' && (mode === 'guests' || this.guestsWait)) return 'wait';
    return 'enter';
  }

  /**
   * Adds someone who waits; returns the knock this one replaces (the same person waiting from another
   * window), taken out: one person holds one place, so nobody fills a lobby with one guest token.
   */
  add(knock: Knock): Knock | undefined {
    const key = personKey(knock.principal);
    const earlier = this.all().find((k) => personKey(k.principal) === key);
    if (earlier) this.take(earlier.id);
    this.knocks.set(knock.id, knock);
    return earlier;
  }

  /** Takes someone out of the lobby (admitted, turned away, or gone): their timer stops. */
  take(id: string): Knock | undefined {
    const knock = this.knocks.get(id);
    if (!knock) return undefined;
    this.knocks.delete(id);
    knock.cancelTimer();
    return knock;
  }

  /** A moderator let them in. */
  pass(principal: Principal): void {
    const key = personKey(principal);
    this.passes.add(key);
    this.removed.delete(key);
  }

  /** A moderator turned them away: they are refused for as long as the room lasts. */
  refuse(principal: Principal): void {
    this.refused.add(personKey(principal));
  }

  /** A moderator removed them: they may come back only through the lobby. */
  remove(principal: Principal): void {
    const key = personKey(principal);
    this.passes.delete(key);
    this.removed.add(key);
    if (principal.kind === 'guest') this.guestsWait = true;
  }

  /** The decisions it holds about people, to be kept beyond this node (NET-SCALE). */
  remembered(): Pick<MeetingMemory, 'passes' | 'removed' | 'refused' | 'guestsWait'> {
    return {
      passes: [...this.passes],
      removed: [...this.removed],
      refused: [...this.refused],
      guestsWait: this.guestsWait,
    };
  }

  /** Takes back the decisions an earlier room of the meeting made (on a node that is gone). */
  recall(memory: Pick<MeetingMemory, 'passes' | 'removed' | 'refused' | 'guestsWait'>): void {
    for (const key of memory.passes) this.passes.add(key);
    for (const key of memory.removed) this.removed.add(key);
    for (const key of memory.refused) this.refused.add(key);
    this.guestsWait ||= memory.guestsWait;
  }

  all(): Knock[] {
    return [...this.knocks.values()];
  }

  get(id: string): Knock | undefined {
    return this.knocks.get(id);
  }

  /** Who waits, as moderators see them: those whose connection is here. */
  list(): WaitingInfo[] {
    return this.all()
      .filter((k) => !k.held)
      .map((k) => ({
        id: k.id,
        displayName: k.principal.displayName,
        kind: rosterKind(k.principal),
        since: k.since,
        ...(k.identityKey && { identityKey: Buffer.from(k.identityKey).toString('base64url') }),
      }));
  }
}
