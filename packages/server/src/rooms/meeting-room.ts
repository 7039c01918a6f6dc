import type { LeaveReason, LobbyMode, ServerMessage, ViewEntry } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { Attendance, MeetingLifecycle, MeetingRecord, Principal } from '../domain';
import { RoomEncryption, type E2eeClientMessage } from './encryption';
import { ActiveSpeakers } from './active-speakers';
import { Entrance } from './entrance';
import { Hands } from './hands';
import { RoomContinuity } from './continuity';
import { HeldParticipants } from './held-participants';
import { IceRestartBudget } from './ice-restarts';
import { Lobby } from './lobby';
import { MeetingChat } from './meeting-chat';
import { MeetingCaptures } from './recording';
import { LobbyDesk } from './lobby-desk';
import { RoomMemory } from './meeting-memory';
import { Moderation } from './moderation';
import type { Participant, ParticipantSink } from './participant';
import { Publishing } from './publishing';
import { Recorders } from './recorders';
import { resumeTicket } from './resume-tokens';
import type { Entry, JoinExtras, JoinReply, RoomContext } from './room-context';
import { RoomMediaHandle } from './room-media';
import { callSubject } from './roles';
import { Subscriptions } from './subscriptions';

/** How long a participant whose connection dropped keeps its seat unless the context says otherwise. */
const DEFAULT_RECONNECT_GRACE_MS = 20_000;

/**
 * One active meeting: its participants and its Janus room (created on the first join, destroyed
 * when the last participant leaves). It keeps each participant's subscription in line with who
 * publishes, and fails everyone over to a fresh start when its media server goes away.
 */
export class MeetingRoom {
  readonly participants = new Map<string, Participant>();
  /** The recorders the server launched for a recording or live stream: in no roster (REC-START). */
  readonly recorders: Recorders;
  private readonly byFeed = new Map<number, Participant>();
  private readonly media: RoomMediaHandle;
  private readonly subscriptions: Subscriptions;
  /** What each participant sends, and its answers to what it receives. */
  readonly publishing: Publishing;
  private readonly entrance: Entrance;
  private isClosed = false;
  private hasStarted = false;
  /** E2EE meetings only. */
  private readonly encryption: RoomEncryption | null;
  readonly moderation: Moderation;
  /** Raised hands: one's own, and a moderator lowers others'. */
  readonly hands: Hands;
  /** The meeting's chat while it lasts (CHAT-MEETING, E2EE-CHAT). */
  readonly chat: MeetingChat;
  /** Its recording and live stream (REC-START, REC-NOTICE, STREAM-LIVE). */
  readonly captures: MeetingCaptures;
  /** Who speaks now, from Janus's audio levels, told to everyone (MEET-LAYOUT). */
  private readonly speakers: ActiveSpeakers;
  /** Who waits to be let in, and the moderators' decisions about them (MEET-LOBBY). */
  readonly lobby: LobbyDesk;
  /** What moderators decided, kept beyond this node (NET-SCALE); null without a store. */
  private readonly memory: RoomMemory | null;
  /** The live state, kept for a node taking the room over (NET-SCALE); null without a store. */
  private readonly continuity: RoomContinuity | null;
  /** Another node holds the meeting now: the room ends here, its Janus room and state stay for that node. */
  private handedOver = false;
  /** Participants whose connection went, kept until it comes back or their time is up (MEET-RECONNECT). */
  private readonly held: HeldParticipants;

  constructor(
    readonly meeting: MeetingRecord,
    private readonly ctx: RoomContext,
    /** `emptied`: it closed because its last participant left. */
    private readonly onClosed: (room: MeetingRoom, emptied: boolean) => void,
  ) {
    this.recorders = new Recorders(meeting.id, ctx.logger);
    this.subscriptions = new Subscriptions(
      meeting.id,
      this.byFeed,
      ctx.logger,
      () => this.changed(),
      ctx.audioSlots,
    );
    this.held = new HeldParticipants({
      participants: this.participants,
      leave: (p) => this.leave(p, 'disconnected'),
      ...(ctx.timers && { timers: ctx.timers }),
    });
    this.publishing = new Publishing(
      {
        meeting,
        closed: () => this.isClosed,
        media: () => this.media.ensure(),
        broadcast: (message) => this.broadcast(message),
        refreshSubscriptions: () => this.refreshSubscriptions(),
        changed: () => this.changed(),
        talking: (p, talking, muted) => {
          this.speakers.talking(p.id, talking, muted);
          // A new voice takes an audio slot from the one who spoke longest ago (MEET-QUALITY).
          if (talking && !muted && this.subscriptions.audio.spoke(p.id)) this.refreshSubscriptions();
        },
      },
      this.byFeed,
      new IceRestartBudget(ctx.clock),
    );
    this.speakers = new ActiveSpeakers((participantIds) =>
      this.broadcast({ type: 'activeSpeakers', participantIds }),
    );
    // The media server lost (NET-FAILOVER): everyone stays (ids, roster, lobby, moderation, the E2EE
    // group), each client is told `mediaMoved` and publishes again on fresh connections, subscriptions
    // follow as the new publishers come up. Only when no media server takes the room in time is
    // everyone let go with `media_failure` (and clients join again by themselves).
    this.media = new RoomMediaHandle({
      plane: ctx.media,
      meeting,
      logger: ctx.logger,
      metrics: ctx.metrics,
      load: ctx.nodeLoad,
      closed: () => this.isClosed,
      maxParticipants: ctx.maxParticipants,
      lost: () => {
        this.byFeed.clear();
        // Their handles died with the media server; the old objects' events are ignored from now on.
        for (const p of this.participants.values()) {
          p.publisher = null;
          p.subscriber = null;
        }
        this.recorders.lost();
      },
      moved: () => this.broadcast({ type: 'mediaMoved' }),
      failed: (why) => this.endForMediaFailure(why),
    });
    this.encryption = meeting.e2ee
      ? new RoomEncryption(meeting, ctx.e2ee, ctx.logger, () => this.changed())
      : null;
    const book = new Lobby(ctx.maxParticipants);
    this.moderation = new Moderation({
      meeting,
      participants: this.participants,
      forceMute: (p, source) => this.publishing.applyMute(p, source, true),
      remove: (p, message) => {
        book.remove(p.principal);
        p.sink.end('removed', message);
        this.leave(p, 'removed');
      },
      changed: (p) => {
        this.broadcast({ type: 'participantUpdated', participant: p.info() });
        if (p.moderator) p.sink.send({ type: 'lobby', waiting: book.list() });
      },
    });
    this.hands = new Hands({
      participants: this.participants,
      now: () => ctx.clock.now().toISOString(),
      assertModerator: (actor) => this.moderation.assertModerator(actor),
      changed: (p) => this.broadcast({ type: 'participantUpdated', participant: p.info() }),
    });
    this.chat = new MeetingChat({
      meeting,
      participants: this.participants,
      clock: ctx.clock,
      logger: ctx.logger,
      log: ctx.chat ?? null,
    });
    this.captures = new MeetingCaptures({
      meeting,
      clock: ctx.clock,
      logger: ctx.logger,
      capture: ctx.capture ?? null,
      policy: ctx.capturePolicy ?? null,
      audit: ctx.captureAudit ?? null,
      region: () => this.media.ready?.node.region ?? null,
      broadcast: (message) => this.broadcast(message),
      changed: () => this.changed(),
    });
    this.lobby = new LobbyDesk(
      {
        meeting,
        participants: this.participants,
        moderation: this.moderation,
        admit: (knock, admission) =>
          this.entrance.admit(knock.id, knock.principal, knock.sink, knock.reply, knock, admission),
        isAnchor: async (id) => (await this.encryption?.isAnchor(id)) === true,
        closeIfEmpty: () => this.closeIfEmpty(),
        // A wait in the lobby resumes only where the room can be taken over (NET-SCALE).
        ticket: () => (this.continuity ? resumeTicket() : null),
        changed: () => this.changed(),
      },
      book,
      {
        clock: ctx.clock,
        logger: ctx.logger,
        ...(ctx.lobbyWaitMs !== undefined && { waitMs: ctx.lobbyWaitMs }),
      },
    );
    this.memory = ctx.memories
      ? new RoomMemory(ctx.memories, meeting.id, { lobby: book, moderation: this.moderation }, ctx.logger)
      : null;
    this.continuity = ctx.states
      ? new RoomContinuity(ctx.states, {
          meeting,
          plane: ctx.media,
          logger: ctx.logger,
          recalled: this.memory?.recalled ?? Promise.resolve(),
          participants: this.participants,
          media: this.media,
          publishing: this.publishing,
          subscriptions: this.subscriptions,
          encryption: this.encryption,
          captures: this.captures,
          lobby: this.lobby,
          locksOf: (principal) => this.moderation.locksOf(principal),
          placed: () => ({
            nearest: this.media.nearest && [...this.media.nearest],
            started: this.hasStarted,
          }),
          replace: (nearest, started) => {
            this.media.nearest = nearest;
            this.hasStarted = started;
          },
          held: this.held,
          refreshSubscriptions: () => this.refreshSubscriptions(),
        })
      : null;
    this.entrance = new Entrance({
      room: this,
      meeting,
      ctx,
      participants: this.participants,
      recorders: this.recorders,
      moderation: this.moderation,
      lobby: this.lobby,
      encryption: this.encryption,
      continuity: this.continuity,
      held: this.held,
      recalled: this.memory?.recalled ?? null,
      closed: () => this.isClosed,
      ensureMedia: (regionRtts) => this.media.forAdmission(regionRtts),
      leave: (p, reason) => this.leave(p, reason),
      broadcast: (message, except) => this.broadcast(message, except),
      refreshSubscriptions: () => this.refreshSubscriptions(),
      offerAgain: (p) => this.subscriptions.offerAgain(p),
      changed: () => this.changed(),
      started: () => {
        if (this.hasStarted) return;
        this.hasStarted = true;
        // A meeting's chat is what was said since it started: whatever an earlier start left goes.
        this.chat.forget();
        this.tell('started');
      },
      welcome: (p) => {
        this.chat.welcome(p);
        this.tellCaptureRights(p);
      },
      captures: () => this.captures.notices(),
      closeIfEmpty: () => this.closeIfEmpty(),
    });
  }

  /**
   * Keeps what moderators decided about people where another node finds it, after each decision
   * (admit, reject, mute, allow unmuting, remove, promote). Without a store, nothing to do.
   */
  remember(): void {
    if (!this.isClosed) this.memory?.save();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** How many wait in the lobby. */
  get waiting(): number {
    return this.lobby.book.size;
  }

  /** The Janus room id, once it exists. */
  get janusRoomId(): number | null {
    return this.media.ready?.room.id ?? null;
  }

  /** The media node hosting this room, once it exists. */
  get nodeId(): string | null {
    return this.media.ready?.node.id ?? null;
  }

  /** The media server hosting this room, once it exists (for metrics; its region is in its logs). */
  get serverId(): string | null {
    return this.media.ready?.node.serverId ?? null;
  }

  /** Lets a join in, into the lobby (MEET-LOBBY), or back into what it had (NET-SCALE): see Entrance. */
  enter(
    lobbyMode: LobbyMode,
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    extras: JoinExtras = {},
  ): Promise<Entry> {
    return this.entrance.enter(lobbyMode, principal, sink, reply, extras);
  }

  /** What the participant's client shows now (MEET-QUALITY): its subscription follows. */
  setView(p: Participant, entries: readonly ViewEntry[]): void {
    this.assertPresent(p);
    if (!this.subscriptions.setView(p, entries, this.participants)) return;
    this.refreshSubscriptions(p);
  }

  /** Hands an E2EE message to the meeting's delivery service. */
  async e2ee(p: Participant, message: E2eeClientMessage): Promise<void> {
    this.assertPresent(p);
    if (!this.encryption)
      throw new AppError(409, 'invalid_state', 'This meeting is not end-to-end encrypted');
    await this.encryption.handle(p.id, message);
  }

  /**
   * A participant's connection went without a `leave` (MEET-RECONNECT). Unless the server cut it off
   * (`resumable` false), it keeps its seat for the grace: the others see nothing, its media and its
   * place in the E2EE group stay, what the room sends it is held, and a `join` with `resume` takes it
   * up on a new connection. After the grace it leaves as `disconnected`. A connection the
   * participation has already moved away from (`sink` is not its own) changes nothing.
   */
  dropped(p: Participant, sink: ParticipantSink, resumable: boolean): void {
    if (p.left || p.sink !== sink) return;
    if (resumable && p.resumeHash !== null) {
      this.ctx.logger.info({ meetingId: this.meeting.id, participantId: p.id }, 'participant held');
      this.held.hold(p, this.ctx.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS);
    } else {
      this.leave(p, 'disconnected');
    }
  }

  /** A signed-in session ended: a participation of it that is held goes now (live ones end with their socket). */
  endSession(sessionId: string): void {
    this.held.endSession(sessionId);
  }

  /** Removes a participant and releases its Janus handles; the last one out closes the room. */
  leave(p: Participant, reason: LeaveReason): void {
    if (p.left) return;
    if (this.recorders.has(p)) {
      this.recorders.leave(p);
      return;
    }
    this.held.forget(p);
    p.left = true;
    this.participants.delete(p.id);
    this.encryption?.left(p.id);
    this.speakers.silenced(p.id);
    this.subscriptions.audio.forget(p.id);
    this.ctx.metrics?.participantLeft(reason);
    this.ctx.ledger?.left(p.id, this.ctx.clock.now());
    const publisher = p.publisher;
    const subscriber = p.subscriber;
    p.publisher = null;
    p.subscriber = null;
    if (publisher) this.byFeed.delete(publisher.feedId);
    this.ctx.logger.info({ meetingId: this.meeting.id, participantId: p.id, reason }, 'participant left');
    this.broadcast({ type: 'participantLeft', participantId: p.id, reason });
    if (this.empty) {
      void this.close(true);
      return;
    }
    void Promise.all([publisher?.close(), subscriber?.close()]).catch(() => undefined);
    this.refreshSubscriptions();
  }

  /** A participant's call record (PRIV-CDR): who by id, since when, on which media server. */
  attendance(p: Participant): Attendance {
    const node = this.media.ready?.node;
    return {
      participantId: p.id,
      meetingId: this.meeting.id,
      organisationId: this.meeting.organisationId,
      subject: callSubject(p.principal),
      joinedAt: p.joinedAt,
      mediaServer: node?.serverId ?? null,
      region: node?.region ?? null,
    };
  }

  /** Everyone in the room now, as call records know them. */
  attendances(): Attendance[] {
    return this.isClosed ? [] : [...this.participants.values()].map((p) => this.attendance(p));
  }

  /** What the participant may record or stream, as its client shows it; a failed lookup is logged. */
  private tellCaptureRights(p: Participant): void {
    this.captures.rightsOf(p.principal).then(
      ({ recording, streaming }) => {
        if (!p.left) p.sink.send({ type: 'captureRights', recording, streaming });
      },
      (err: unknown) =>
        this.ctx.logger.warn({ err, meetingId: this.meeting.id }, 'could not tell what may be recorded'),
    );
  }

  /** Tells the lifecycle listener; its failure is logged, never the room's problem. */
  tell(what: keyof MeetingLifecycle): void {
    this.ctx.lifecycle?.[what](this.meeting.id).catch((err: unknown) =>
      this.ctx.logger.warn({ err, meetingId: this.meeting.id }, `meeting lifecycle (${what}) failed`),
    );
  }

  /** The media server is gone (NET-FAILOVER): the room moves to another one (see RoomMediaHandle.move). */
  fail(why: string): void {
    this.media.move(why);
  }

  /** No media server can host the room: everyone is told and disconnected, and the room is forgotten. */
  private endForMediaFailure(why: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.speakers.stop();
    this.onClosed(this, false);
    this.encryption?.close();
    this.captures.close();
    this.ctx.logger.warn({ meetingId: this.meeting.id, why }, 'meeting media failed; disconnecting everyone');
    this.dismissAll('media_failure', 'The media server stopped working. Join again to continue.');
    this.media.drop();
  }

  /**
   * Another control-plane node holds the meeting now (this one lost its lease): the room ends here,
   * and its Janus room and live state stay for that node.
   */
  async handOver(message: string): Promise<void> {
    // Never a write after the new owner's: it runs the room from the state it took up.
    this.handedOver = true;
    this.continuity?.stop(false);
    await this.end('server_shutdown', message);
  }

  /**
   * This node is shutting down (NET-SCALE): the room's state is written as it is now, `release` gives
   * the meeting's lease up, and every participant is sent on to resume wherever the meeting is taken up
   * next (a socket here closes without a word, a forwarded one is seated again by its node), while
   * the Janus room and everyone's media go on. False (nothing done) where the room cannot be taken over
   * (one node): it ends as before.
   */
  async handOff(release: () => Promise<void>): Promise<boolean> {
    if (!this.continuity || this.isClosed) return false;
    await this.continuity.flush();
    this.handedOver = true;
    this.continuity.stop(false);
    await release();
    this.dismissAll('server_shutdown', null);
    await this.close();
    return true;
  }

  /** Ends the room for everyone in it, telling them why: a server shutdown, a deleted meeting. */
  async end(reason: 'server_shutdown' | 'meeting_ended', message: string): Promise<void> {
    this.dismissAll(reason, message);
    // A server shutting down hands the meeting over: another node's room takes its memory back.
    if (reason === 'meeting_ended') this.memory?.forget();
    await this.close();
  }

  /**
   * Nobody is in, coming in or waiting: the room goes (the meeting only counts as over if someone was
   * in). Also after a refused join, so that refusals leave no room (nor lease) behind.
   */
  closeIfEmpty(): void {
    if (this.empty) void this.close(this.hasStarted);
  }

  private get empty(): boolean {
    return this.participants.size === 0 && this.entrance.idle && this.lobby.book.size === 0;
  }

  private async close(emptied = false): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.speakers.stop();
    this.onClosed(this, emptied);
    this.recorders.dismiss(
      this.handedOver ? 'server_shutdown' : 'meeting_ended',
      'The meeting is over here: the recording ends',
    );
    // The meeting is over: what its moderators decided, and what was said in it, go with it.
    if (emptied) {
      this.memory?.forget();
      this.chat.forget();
    }
    this.continuity?.stop(!this.handedOver);
    this.held.stop();
    this.encryption?.close();
    // The meeting ended, or another node holds it now and starts what ran again (NET-SCALE).
    this.captures.close(this.handedOver);
    // Another node runs the Janus room now: it is left as it is.
    if (this.handedOver) this.media.abandon();
    else await this.media.release();
  }

  /**
   * Everyone in the room and its lobby goes at once, told why; with no message, they are handed off
   * to resume wherever the meeting is taken up next.
   */
  private dismissAll(
    reason: 'server_shutdown' | 'meeting_ended' | 'media_failure',
    message: string | null,
  ): void {
    this.held.stop();
    this.recorders.dismiss(reason, message ?? 'The server is restarting.');
    const now = this.ctx.clock.now();
    for (const p of this.participants.values()) {
      p.left = true;
      this.ctx.metrics?.participantLeft(reason);
      // Handed off, they go on elsewhere: their participation with them.
      if (message === null) p.sink.handOff();
      else {
        p.sink.end(reason, message);
        this.ctx.ledger?.left(p.id, now);
      }
    }
    if (message === null) this.lobby.handOff();
    else this.lobby.close(reason, message);
    this.participants.clear();
    this.byFeed.clear();
  }

  /** Brings every participant's subscription (or only `p`'s) in line with what is published and shown. */
  private refreshSubscriptions(p?: Participant): void {
    const media = this.media.ready;
    if (this.isClosed || !media) return;
    this.subscriptions.refresh([...this.participants.values(), ...this.recorders.values()], media.room, p);
    this.changed();
  }

  private broadcast(message: ServerMessage, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.sink.send(message);
    this.recorders.send(message);
    this.changed();
  }

  /** Something another node would need to take the room over changed. */
  private changed(): void {
    if (!this.isClosed) this.continuity?.changed();
  }

  private assertPresent(p: Participant): void {
    if (p.left || this.isClosed) throw new AppError(409, 'not_joined', 'You are not in this meeting');
  }
}
