import type { DisconnectedReason, ServerMessageOf } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import type { MeetingRecord } from '../domain';
import type { MediaLogger } from '../media/logger';
import type { Lobby, Knock } from './lobby';
import type { Moderation } from './moderation';
import type { Participant, ParticipantSink } from './participant';
import type { JoinReply } from './room-context';
import type { ResumeTicket } from './resume-tokens';

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
  /** A token that lets a wait go on on another socket, and its hash; null where waits cannot move. */
  ticket(): ResumeTicket | null;
  /** Who waits changed: the room's live state is written again. */
  changed(): void;
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
  seat(entry: Omit<Knock, 'since' | 'cancelTimer' | 'resumeHash' | 'held'>): void {
    if (this.book.full) {
      throw new AppError(403, 'lobby_full', 'Too many people are waiting to join this meeting; try later');
    }
    const ticket = this.room.ticket();
    const knock: Knock = {
      ...entry,
      since: this.o.clock.now().toISOString(),
      ...(ticket && { resumeHash: ticket.hash }),
      cancelTimer: this.expire(entry.id, this.waitMs),
    };
    const replaced = this.book.add(knock);
    replaced?.sink.end('replaced', 'You asked to join this meeting from another window or device');
    this.tellWaiting(knock, ticket && { resumeToken: ticket.token });
    this.o.logger.info({ meetingId: this.room.meeting.id, participantId: entry.id }, 'waiting in the lobby');
    this.changed();
  }

  /**
   * Someone who waited on a node that died (NET-SCALE), back in the lobby as they were, from when
   * they began to wait, until their connection comes back (`resumed`).
   */
  restore(knock: Omit<Knock, 'cancelTimer' | 'held' | 'reply'>): void {
    const waited = this.o.clock.now().getTime() - Date.parse(knock.since);
    this.book.add({
      ...knock,
      reply: { iceServers: [] },
      held: true,
      cancelTimer: this.expire(knock.id, Math.max(0, this.waitMs - waited)),
    });
  }

  /** A wait taken over goes on through a new connection: moderators see it again. */
  resumed(id: string, sink: ParticipantSink, reply: JoinReply, resumeToken: string): void {
    const knock = this.book.get(id);
    if (!knock) return;
    knock.sink = sink;
    knock.reply = reply;
    knock.held = false;
    this.tellWaiting(knock, { resumeToken, resumed: true });
    this.changed();
  }

  /** This node hands the meeting over: everyone waiting resumes the wait wherever it is taken up. */
  handOff(): void {
    for (const knock of this.book.all()) {
      this.book.take(knock.id);
      knock.sink.handOff();
    }
  }

  private get waitMs(): number {
    return this.o.waitMs ?? DEFAULT_WAIT_MS;
  }

  /** Turns the knock away once it has waited this long; returns what cancels that. */
  private expire(id: string, ms: number): () => void {
    const timer = setTimeout(() => {
      const knock = this.book.take(id);
      if (!knock) return;
      knock.sink.end('rejected', 'Nobody let you in; join again to ask once more');
      this.changed();
      this.room.closeIfEmpty();
    }, ms);
    timer.unref();
    return () => clearTimeout(timer);
  }

  private tellWaiting(
    knock: Knock,
    extra: Pick<ServerMessageOf<'waiting'>, 'resumeToken' | 'resumed'> | null,
  ): void {
    const { reply } = knock;
    knock.sink.send({
      type: 'waiting',
      ...(reply.rid !== undefined && { rid: reply.rid }),
      participantId: knock.id,
      meeting: { id: this.room.meeting.id, name: this.room.meeting.name },
      ...(reply.guestToken !== undefined && { guestToken: reply.guestToken }),
      ...extra,
    });
  }

  /** Lets people in; in an E2EE meeting, with the admissions the anchor's device signed at the click. */
  async admit(
    actor: Participant,
    ids: string[],
    admissions: ReadonlyArray<{ participantId: string; admission: string }> = [],
  ): Promise<void> {
    this.room.moderation.assertModerator(actor);
    const signed = admissions.length > 0 && (await this.room.isAnchor(actor.id));
    const knocks = this.takeListed(ids);
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
    const knocks = this.takeListed(ids);
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

  /** Takes those of `ids` that moderators can see out of the lobby. */
  private takeListed(ids: readonly string[]): Knock[] {
    return ids.flatMap((id) => (this.book.get(id)?.held ? [] : (this.book.take(id) ?? [])));
  }

  /** Tells every moderator who waits now. */
  private changed(): void {
    this.room.changed();
    const waiting = this.book.list();
    for (const p of this.room.participants.values()) if (p.moderator) p.sink.send({ type: 'lobby', waiting });
  }
}
