import type { DisconnectedReason } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import type { MeetingRecord } from '../domain';
import type { MediaLogger } from '../media/logger';
import type { Lobby, Knock } from './lobby';
import type { Moderation } from './moderation';
import type { Participant } from './participant';

const DEFAULT_WAIT_MS = 30 * 60_000;

/** What the desk needs of its room. */
export interface LobbyRoom {
  readonly meeting: MeetingRecord;
  readonly participants: ReadonlyMap<string, Participant>;
  readonly moderation: Moderation;
  /** Brings someone from the lobby into the meeting, as their join would have; `admission` under E2EE. */
  admit(knock: Knock, admission?: string): Promise<Participant>;
  /** Whether the participant joined from the device that anchors the meeting's E2EE group. */
  isAnchor(participantId: string): Promise<boolean>;
  /** The room may be over: nobody in it, coming in, or waiting. */
  closeIfEmpty(): void;
}

export interface LobbyDeskOptions {
  clock: Clock;
  logger: MediaLogger;
  /** How long someone may wait before being told nobody let them in (default 30 min). */
  waitMs?: number;
}

/**
 * The lobby's front desk (MEET-LOBBY): seats people who must wait, tells them and the moderators,
 * and carries out moderators' decisions. The book of who may come back is `Lobby`'s.
 */
export class LobbyDesk {
  constructor(
    private readonly room: LobbyRoom,
    readonly book: Lobby,
    private readonly o: LobbyDeskOptions,
  ) {}

  /** Seats someone: they hear `waiting`, and nothing else of the meeting until a moderator decides. */
  seat(entry: Omit<Knock, 'since' | 'cancelTimer'>): void {
    if (this.book.full) {
      throw new AppError(403, 'lobby_full', 'Too many people are waiting to join this meeting; try later');
    }
    const timer = setTimeout(() => {
      if (!this.book.take(entry.id)) return;
      entry.sink.end('rejected', 'Nobody let you in; join again to ask once more');
      this.changed();
      this.room.closeIfEmpty();
    }, this.o.waitMs ?? DEFAULT_WAIT_MS);
    timer.unref();
    const since = this.o.clock.now().toISOString();
    const replaced = this.book.add({ ...entry, since, cancelTimer: () => clearTimeout(timer) });
    replaced?.sink.end('replaced', 'You asked to join this meeting from another window or device');
    const { reply } = entry;
    entry.sink.send({
      type: 'waiting',
      ...(reply.rid !== undefined && { rid: reply.rid }),
      participantId: entry.id,
      meeting: { id: this.room.meeting.id, name: this.room.meeting.name },
      ...(reply.guestToken !== undefined && { guestToken: reply.guestToken }),
    });
    this.o.logger.info({ meetingId: this.room.meeting.id, participantId: entry.id }, 'waiting in the lobby');
    this.changed();
  }

  /** Lets people in; in an E2EE meeting, with the admissions the anchor's device signed at the click. */
  async admit(
    actor: Participant,
    ids: string[],
    admissions: ReadonlyArray<{ participantId: string; admission: string }> = [],
  ): Promise<void> {
    this.room.moderation.assertModerator(actor);
    const signed = admissions.length > 0 && (await this.room.isAnchor(actor.id));
    const knocks = ids.flatMap((id) => this.book.take(id) ?? []);
    if (knocks.length === 0) return;
    this.changed();
    for (const knock of knocks) {
      this.book.pass(knock.principal);
      const admission = signed ? admissions.find((a) => a.participantId === knock.id) : undefined;
      this.o.logger.info(
        { meetingId: this.room.meeting.id, participantId: knock.id },
        'admitted from the lobby',
      );
      this.room.admit(knock, admission?.admission).catch((err: unknown) => {
        knock.sink.end(
          'rejected',
          err instanceof AppError ? err.message : 'You could not be let in; join again',
        );
      });
    }
  }

  /** Turns people away: they are told, and refused for as long as the room lasts. */
  reject(actor: Participant, ids: string[]): void {
    this.room.moderation.assertModerator(actor);
    const knocks = ids.flatMap((id) => this.book.take(id) ?? []);
    if (knocks.length === 0) return;
    for (const knock of knocks) {
      this.book.refuse(knock.principal);
      knock.sink.end('rejected', `${actor.displayName} did not let you into the meeting`);
    }
    this.changed();
    this.room.closeIfEmpty();
  }

  /** Someone gave up waiting (left, or lost their connection). */
  leave(id: string): void {
    if (!this.book.take(id)) return;
    this.changed();
    this.room.closeIfEmpty();
  }

  /** The room ends (shutdown, deleted meeting, lost media): everyone waiting is told why. */
  close(reason: DisconnectedReason, message: string): void {
    for (const knock of this.book.all()) {
      this.book.take(knock.id);
      knock.sink.end(reason, message);
    }
  }

  /** Tells every moderator who waits now. */
  private changed(): void {
    const waiting = this.book.list();
    for (const p of this.room.participants.values()) if (p.moderator) p.sink.send({ type: 'lobby', waiting });
  }
}
