import type { ServerMessage } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { realTimers, type Timers } from '../common/timers';
import type { Principal } from '../domain';
import { HeldSink } from './held-sink';
import type { Participant, ParticipantSink } from './participant';
import { resumeTicket, samePerson, tokenMatches } from './resume-tokens';

/** What holding participants needs of their room. */
export interface HeldParts {
  participants: ReadonlyMap<string, Participant>;
  /** Lets a participant go whose connection did not come back in time. */
  leave(p: Participant): void;
  timers?: Timers;
}

/** A participation taken up by a new connection (MEET-RECONNECT, NET-SCALE). */
export interface TakenUp {
  participant: Participant;
  /** What waited for it while nobody's connection carried it, in order. */
  held: ServerMessage[];
  /** The token for the next resume: each one serves once. */
  token: string;
  /** Its publisher is gone (never taken over, or its PeerConnection went down): it must publish again. */
  mediaLost: boolean;
}

/**
 * Participants whose connection went without a `leave`, kept in the meeting until their client takes
 * them up again on a new connection (`join` with `resume`) or their time is up: their socket dropped
 * (MEET-RECONNECT: the roster does not flicker, their Janus handles and peer connections stay), or
 * their room was taken over from a node that died (NET-SCALE). Meanwhile what the room sends them is
 * held, bounded by HeldSink. One mechanism for both, so that both resume alike.
 */
export class HeldParticipants {
  private readonly holding = new Map<Participant, { sink: HeldSink; cancel: () => void }>();
  private readonly timers: Timers;

  constructor(private readonly parts: HeldParts) {
    this.timers = parts.timers ?? realTimers;
  }

  /** Holds `p` for `ms`; with no time at all, it leaves now. */
  hold(p: Participant, ms: number): void {
    if (p.left || this.holding.has(p)) return;
    if (ms <= 0) {
      this.parts.leave(p);
      return;
    }
    const sink = new HeldSink(() => this.letGo(p));
    p.sink = sink;
    const cancel = this.timers.set(() => this.letGo(p), ms);
    this.holding.set(p, { sink, cancel });
  }

  isHeld(p: Participant): boolean {
    return this.holding.has(p);
  }

  /**
   * A new connection takes up the participation `participantId` with its token: one held, or one
   * whose old connection the server still thinks open (it went without a word, and the heartbeat
   * has not noticed yet; that connection is told it was replaced). Anything else (unknown, gone,
   * wrong token, another person) is refused the same way, and changes nothing.
   */
  take(participantId: string, token: string, principal: Principal, sink: ParticipantSink): TakenUp {
    const p = this.parts.participants.get(participantId);
    if (!p || p.left || !tokenMatches(p.resumeHash, token) || !samePerson(p.principal, principal)) {
      throw new AppError(
        409,
        'resume_failed',
        'This participation cannot be taken up again; join the meeting again',
      );
    }
    const holding = this.holding.get(p);
    let held: ServerMessage[] = [];
    const old = p.sink;
    p.sink = sink;
    if (holding) {
      this.holding.delete(p);
      holding.cancel();
      held = holding.sink.release();
    } else {
      // Set aside first: its connection closing now must not hold or end the participation.
      old.end('replaced', 'This participation went on from another connection');
    }
    const next = resumeTicket();
    p.resumeHash = next.hash;
    const mediaLost = !p.publisher || p.publisher.closed;
    if (mediaLost && p.subscriber) {
      // The client closes both connections and starts afresh: the old subscription is nobody's.
      const stale = p.subscriber;
      p.subscriber = null;
      void stale.close().catch(() => undefined);
    }
    return { participant: p, held, token: next.token, mediaLost };
  }

  /** A fresh join of someone held means their old client gave up: the held participation goes now. */
  replacedBy(principal: Principal): void {
    for (const p of [...this.holding.keys()]) if (samePerson(p.principal, principal)) this.letGo(p);
  }

  /** A signed-in session ended (sign-out, revocation): whoever it held goes now. */
  endSession(sessionId: string): void {
    for (const p of [...this.holding.keys()]) {
      if ('sessionId' in p.principal && p.principal.sessionId === sessionId) this.letGo(p);
    }
  }

  /** `p` left by other means (removed, replaced, the room ended): nothing more to wait for. */
  forget(p: Participant): void {
    const holding = this.holding.get(p);
    if (!holding) return;
    this.holding.delete(p);
    holding.cancel();
  }

  stop(): void {
    for (const { cancel } of this.holding.values()) cancel();
    this.holding.clear();
  }

  private letGo(p: Participant): void {
    if (!this.holding.has(p)) return;
    this.forget(p);
    this.parts.leave(p);
  }
}
