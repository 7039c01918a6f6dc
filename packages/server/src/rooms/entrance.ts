import type { LeaveReason, LobbyMode, ServerMessage, ServerMessageOf } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { newId } from '../common/ids';
import type { CaptureNotices, EgressPrincipal, MeetingRecord, Principal } from '../domain';
import type { RoomContinuity } from './continuity';
import type { RoomEncryption } from './encryption';
import { RoomClosedError } from './errors';
import type { HeldParticipants } from './held-participants';
import type { LobbyDesk } from './lobby-desk';
import type { MeetingRoom } from './meeting-room';
import type { Moderation } from './moderation';
import type { Recorders } from './recorders';
import { Participant, type ParticipantSink } from './participant';
import { resumeTicket } from './resume-tokens';
import type { Entry, JoinExtras, JoinReply, RoomContext } from './room-context';

/** What the entrance needs of its room. */
export interface EntranceParts {
  room: MeetingRoom;
  meeting: MeetingRecord;
  ctx: RoomContext;
  participants: Map<string, Participant>;
  recorders: Recorders;
  moderation: Moderation;
  lobby: LobbyDesk;
  encryption: RoomEncryption | null;
  continuity: RoomContinuity | null;
  /** Participants whose connection went, until one resumes them. */
  held: HeldParticipants;
  /** Settles once what moderators decided earlier (on another node) is known; null without a store. */
  recalled: Promise<void> | null;
  closed(): boolean;
  /** The room's media, made by the first admission: the first admitted places the meeting (NET-REGIONS). */
  ensureMedia(regionRtts: JoinExtras['regionRtts']): Promise<unknown>;
  leave(p: Participant, reason: LeaveReason): void;
  broadcast(message: ServerMessage, except?: Participant): void;
  refreshSubscriptions(): void;
  /** Sends the participant again the subscription offer it has not answered, if any. */
  offerAgain(p: Participant): void;
  /** Something another node would need to take the room over changed. */
  changed(): void;
  /** Someone is in: the meeting has started. */
  started(): void;
  /** Someone is in, or back: what the meeting's chat holds for them, what they may record. */
  welcome(p: Participant): void;
  /** What is recorded or streamed now (REC-NOTICE). */
  captures(): CaptureNotices;
  closeIfEmpty(): void;
}

/**
 * How people come into a meeting room: straight in, into the lobby (MEET-LOBBY), or back into a
 * participation or wait the room took over from a node that died (NET-SCALE). Each admission takes
 * its place in the meeting before anything is awaited, so parallel joins cannot overfill it.
 */
export class Entrance {
  /** Admissions under way: they count against the meeting's size and keep the room open. */
  private admitting = 0;

  constructor(private readonly o: EntranceParts) {}

  /** Whether nobody is being let in just now. */
  get idle(): boolean {
    return this.admitting === 0;
  }

  /**
   * Lets a join in, or into the lobby when the meeting's setting, as it is now, says it must wait: then
   * it hears `waiting` and nothing else of the meeting until a moderator decides, and it reaches no
   * media server. In an E2EE meeting it must come with its device identity key.
   */
  async enter(
    lobbyMode: LobbyMode,
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    extras: JoinExtras,
  ): Promise<Entry> {
    const { o } = this;
    if (o.recalled) await o.recalled;
    if (o.continuity) await o.continuity.restored;
    if (principal.kind === 'egress') {
      return { waiting: false, participant: await this.admitRecorder(principal, sink, reply, extras) };
    }
    if (extras.resume) return this.resume(principal, sink, reply, extras.resume);
    o.encryption?.checkJoin(extras.identityKey);
    const moderator = o.moderation.isModerator(principal);
    const door = o.lobby.book.door(principal, lobbyMode, moderator);
    if (door === 'refused') {
      throw new AppError(403, 'rejected', 'A moderator did not let you into this meeting');
    }
    const id = newId(o.ctx.clock.now().getTime());
    if (door === 'enter') {
      return { waiting: false, participant: await this.admit(id, principal, sink, reply, extras) };
    }
    o.lobby.seat({ id, principal, sink, reply, ...extras });
    return { waiting: true, id };
  }

  /**
   * Adds a participant: creates the Janus room if needed, sends `joined`, tells the others. `reply`'s
   * rid answers the join request only when it did not wait: `waiting` answered it then.
   */
  async admit(
    id: string,
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    { identityKey, regionRtts, videoSubscription }: JoinExtras,
    admission?: string,
  ): Promise<Participant> {
    const { o } = this;
    const moderator = o.moderation.isModerator(principal);
    if (o.participants.size + this.admitting >= o.ctx.maxParticipants) {
      throw new AppError(
        403,
        'meeting_full',
        `This meeting is full: it already has ${o.ctx.maxParticipants} participants`,
      );
    }
    this.admitting++;
    try {
      await o.ensureMedia(regionRtts);
      if (o.closed()) throw new RoomClosedError('The meeting room closed');
      if (principal.kind === 'guest') this.replaceGuest(principal.guestId);
      o.held.replacedBy(principal);
      const now = o.ctx.clock.now();
      const locks = o.moderation.locksOf(principal);
      const participant = new Participant(id, principal, sink, now.toISOString(), moderator, locks);
      const ticket = resumeTicket();
      participant.resumeHash = ticket.hash;
      if (videoSubscription) participant.videoSubscription = videoSubscription;
      o.participants.set(participant.id, participant);
      o.ctx.metrics?.participantJoined(principal.kind);
      o.ctx.ledger?.joined(o.room.attendance(participant));
      const isOwner = principal.kind === 'user' && principal.userId === o.meeting.ownerId;
      // A key sent to a meeting without E2EE is ignored: nothing there is encrypted.
      const e2ee = o.encryption && identityKey && (await o.encryption.joinInfo(identityKey, isOwner));
      sink.entered(o.room, participant);
      sink.send(
        this.joined(participant, reply, {
          ...(reply.guestToken !== undefined && { guestToken: reply.guestToken }),
          ...(e2ee && { e2ee }),
          resumeToken: ticket.token,
        }),
      );
      o.moderation.remind(participant);
      o.broadcast({ type: 'participantJoined', participant: participant.info() }, participant);
      o.ctx.logger.info(
        { meetingId: o.meeting.id, participantId: participant.id, kind: principal.kind },
        'participant joined',
      );
      o.refreshSubscriptions();
      if (identityKey) o.encryption?.joined(participant, identityKey, admission);
      o.started();
      o.welcome(participant);
      return participant;
    } finally {
      this.admitting--;
      o.closeIfEmpty();
    }
  }

  /**
   * A recorder the server launched (REC-START, STREAM-LIVE): straight in, seen by nobody, counted
   * nowhere; only into a meeting under way, and never one that is end-to-end encrypted (E2EE-LIMITS:
   * the server holds no key to what it would receive).
   */
  private async admitRecorder(
    principal: EgressPrincipal,
    sink: ParticipantSink,
    reply: JoinReply,
    { videoSubscription }: JoinExtras,
  ): Promise<Participant> {
    const { o } = this;
    if (o.encryption) {
      throw new AppError(403, 'e2ee_unavailable', 'An end-to-end encrypted meeting cannot be recorded');
    }
    if (o.participants.size === 0) {
      throw new AppError(409, 'invalid_state', 'Nobody is in this meeting to record');
    }
    const id = newId(o.ctx.clock.now().getTime());
    const recorder = new Participant(id, principal, sink, o.ctx.clock.now().toISOString(), false);
    if (videoSubscription) recorder.videoSubscription = videoSubscription;
    o.recorders.add(recorder);
    sink.entered(o.room, recorder);
    sink.send(this.joined(recorder, reply, {}));
    o.refreshSubscriptions();
    return recorder;
  }

  /**
   * A new connection takes up a participation whose connection went (MEET-RECONNECT) or that the room
   * took over from a node that died (NET-SCALE): the client (or the node holding its socket) hears
   * `joined` as things are now, with a fresh token, then what waited for it and the offer it had not
   * answered, and keeps its peer connections, unless its publisher is gone (`mediaMoved`: publish
   * again). A wait in the lobby taken over goes on the same way, with `waiting` again.
   */
  private resume(
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    { participantId, token }: NonNullable<JoinExtras['resume']>,
  ): Entry {
    const { o } = this;
    const knock = o.continuity?.resumeKnock(participantId, token, principal) ?? null;
    if (knock !== null) {
      o.ctx.logger.info({ meetingId: o.meeting.id, participantId }, 'lobby wait resumed');
      o.lobby.resumed(knock, sink, reply, token);
      return { waiting: true, id: knock };
    }
    const taken = o.held.take(participantId, token, principal, sink);
    const { participant, mediaLost } = taken;
    o.ctx.logger.info({ meetingId: o.meeting.id, participantId, mediaLost }, 'participant resumed');
    sink.entered(o.room, participant);
    sink.send(this.joined(participant, reply, { resumeToken: taken.token, resumed: true }));
    for (const message of taken.held) sink.send(message);
    o.welcome(participant);
    if (mediaLost) {
      sink.send({ type: 'mediaMoved' });
      o.refreshSubscriptions();
    } else {
      o.offerAgain(participant);
    }
    o.changed();
    return { waiting: false, participant };
  }

  /** What `joined` tells a participant: the meeting, its roster, and the lobby to moderators. */
  private joined(
    p: Participant,
    reply: JoinReply,
    extra: Pick<ServerMessageOf<'joined'>, 'guestToken' | 'e2ee' | 'resumeToken' | 'resumed'>,
  ): ServerMessageOf<'joined'> {
    const { o } = this;
    const { recording, streaming } = o.captures();
    return {
      type: 'joined',
      ...(reply.rid !== undefined && { rid: reply.rid }),
      participantId: p.id,
      meeting: { id: o.meeting.id, name: o.meeting.name },
      participants: [...o.participants.values()].map((q) => q.info()),
      iceServers: reply.iceServers,
      ...(reply.iceTransportPolicy && { iceTransportPolicy: reply.iceTransportPolicy }),
      ...extra,
      ...(p.moderator && { lobby: o.lobby.book.list() }),
      ...(recording && { recording }),
      ...(streaming && { streaming }),
    };
  }

  /** One live connection per guest token: the newest one stays, an older one is told it was replaced. */
  private replaceGuest(guestId: string): void {
    for (const p of [...this.o.participants.values()]) {
      if (p.principal.kind !== 'guest' || p.principal.guestId !== guestId) continue;
      p.sink.end('replaced', 'You joined this meeting from another window or device');
      this.o.leave(p, 'disconnected');
    }
  }
}
