import { AppError } from '../common/errors';
import type { Participant } from './participant';

/** What raised hands need of their room. */
export interface HandsRoom {
  readonly participants: ReadonlyMap<string, Participant>;
  /** Now, as an ISO timestamp (the room's clock). */
  now(): string;
  /** Only a moderator lowers someone else's hand: throws `forbidden` otherwise. */
  assertModerator(actor: Participant): void;
  /** The participant's roster entry changed: everyone is told. */
  changed(p: Participant): void;
}

/**
 * Raised hands (MEET-LAYOUT's in-meeting essentials): everyone raises and lowers their own; a
 * moderator lowers anyone's. A hand is part of the participation: it goes when the person leaves.
 * The time of raising orders the hands; raising again keeps one's place.
 */
export class Hands {
  constructor(private readonly room: HandsRoom) {}

  raise(p: Participant, raised: boolean): void {
    if (raised === (p.handRaisedAt !== null)) return;
    p.handRaisedAt = raised ? this.room.now() : null;
    this.room.changed(p);
  }

  lower(actor: Participant, participantId: string): void {
    if (participantId === actor.id) {
      this.raise(actor, false);
      return;
    }
    this.room.assertModerator(actor);
    const target = this.room.participants.get(participantId);
    if (!target) throw new AppError(404, 'not_found', 'Nobody by that id is in the meeting', 'participantId');
    this.raise(target, false);
  }
}
