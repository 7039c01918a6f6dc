import type { LeaveReason, LobbyMode, ServerMessage, ServerMessageOf } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { newId } from '../common/ids';
import type { MeetingLifecycle, MeetingRecord, Principal } from '../domain';
import { RoomEncryption, type E2eeClientMessage } from './encryption';
import { regionsByRtt } from '../media/placement';
import { RoomContinuity } from './continuity';
import { RoomClosedError } from './errors';
import { Lobby } from './lobby';
import { LobbyDesk } from './lobby-desk';
import { RoomMemory } from './meeting-memory';
import { Moderation } from './moderation';
import { Participant, type ParticipantSink } from './participant';
import { Publishing } from './publishing';
import type { Entry, JoinExtras, JoinReply, RoomContext } from './room-context';
import { RoomMediaHandle } from './room-media';
import { Subscriptions } from './subscriptions';

/**
 * One active meeting: its participants and its Janus room (created on the first join, destroyed
 * when the last participant leaves). It keeps each participant's subscription in line with who
 * publishes, and fails everyone over to a fresh start when its media server goes away.
 */
export class MeetingRoom {
  readonly participants = new Map<string, Participant>();
  private readonly byFeed = new Map<number, Participant>();
  private readonly media: RoomMediaHandle;
  private readonly subscriptions: Subscriptions;
  /** What each participant sends, and its answers to what it receives. */
  readonly publishing: Publishing;
  private admitting = 0;
  private isClosed = false;
  private hasStarted = false;
  /** Its media server was lost and a new media room is being made (see `fail`). */
  private moving = false;
  /**
   * Regions nearest first, as the first participant admitted measured them (NET-REGIONS): the Janus
   * room is made by that admission, so its measurements place the meeting; later joiners' do not move
   * it. After a move, the region the room was in comes first. Null until someone is admitted.
   */
  private nearest: readonly string[] | null = null;
  /** E2EE meetings only. */
  private readonly encryption: RoomEncryption | null;
  readonly moderation: Moderation;
  /** Who waits to be let in, and the moderators' decisions about them (MEET-LOBBY). */
  readonly lobby: LobbyDesk;
  /** What moderators decided, kept beyond this node (NET-SCALE); null without a store. */
  private readonly memory: RoomMemory | null;
  /** The live state, kept for a node taking the room over (NET-SCALE); null without a store. */
  private readonly continuity: RoomContinuity | null;
  /** Another node holds the meeting now: the room ends here, its Janus room and state stay for that node. */
  private handedOver = false;

  constructor(
    readonly meeting: MeetingRecord,
    private readonly ctx: RoomContext,
    /** `emptied`: it closed because its last participant left. */
    private readonly onClosed: (room: MeetingRoom, emptied: boolean) => void,
  ) {
    this.subscriptions = new Subscriptions(meeting.id, this.byFeed, ctx.logger, () => this.changed());
    this.publishing = new Publishing(
      {
        meeting,
        closed: () => this.isClosed,
        media: () => this.media.ensure(),
        broadcast: (message) => this.broadcast(message),
        refreshSubscriptions: () => this.refreshSubscriptions(),
        changed: () => this.changed(),
      },
      this.byFeed,
    );
    this.media = new RoomMediaHandle({
      plane: ctx.media,
      meeting,
      logger: ctx.logger,
      closed: () => this.isClosed,
      onLost: (why) => this.fail(why),
      placement: () => ({
        regions: this.nearest ?? [],
        ...(ctx.nodeLoad && { load: ctx.nodeLoad }),
      }),
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
    this.lobby = new LobbyDesk(
      {
        meeting,
        participants: this.participants,
        moderation: this.moderation,
        admit: (knock, admission) =>
          this.admit(knock.id, knock.principal, knock.sink, knock.reply, knock, admission),
        isAnchor: async (id) => (await this.encryption?.isAnchor(id)) === true,
        closeIfEmpty: () => this.closeIfEmpty(),
        ticket: () => this.continuity?.ticket() ?? null,
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
          lobby: this.lobby,
          locksOf: (principal) => this.moderation.locksOf(principal),
          placed: () => ({ nearest: this.nearest && [...this.nearest], started: this.hasStarted }),
          replace: (nearest, started) => {
            this.nearest = nearest;
            this.hasStarted = started;
          },
          leave: (p) => this.leave(p, 'disconnected'),
          refreshSubscriptions: () => this.refreshSubscriptions(),
        })
      : null;
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

  /**
   * Lets a join in, or into the lobby (MEET-LOBBY) when the meeting's setting, as it is now, says it
   * must wait: then it hears `waiting` and nothing else of the meeting until a moderator decides, and
   * it reaches no media server. In an E2EE meeting it must come with its device identity key.
   */
  async enter(
    lobbyMode: LobbyMode,
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    extras: JoinExtras = {},
  ): Promise<Entry> {
    if (this.memory) await this.memory.recalled;
    if (this.continuity) await this.continuity.restored;
    if (extras.resume) return this.resume(principal, sink, reply, extras.resume);
    this.encryption?.checkJoin(extras.identityKey);
    const moderator = this.moderation.isModerator(principal);
    const door = this.lobby.book.door(principal, lobbyMode, moderator);
    if (door === 'refused') {
      throw new AppError(403, 'rejected', 'A moderator did not let you into this meeting');
    }
    const id = newId(this.ctx.clock.now().getTime());
    if (door === 'enter') {
      return { waiting: false, participant: await this.admit(id, principal, sink, reply, extras) };
    }
    this.lobby.seat({ id, principal, sink, reply, ...extras });
    return { waiting: true, id };
  }

  /**
   * Adds a participant: creates the Janus room if needed, sends `joined`, tells the others. `reply`'s
   * rid answers the join request only when it did not wait: `waiting` answered it then.
   */
  private async admit(
    id: string,
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    { identityKey, regionRtts }: JoinExtras,
    admission?: string,
  ): Promise<Participant> {
    const moderator = this.moderation.isModerator(principal);
    // The seat is taken before anything is awaited, so parallel joins cannot overfill the meeting.
    if (this.participants.size + this.admitting >= this.ctx.maxParticipants) {
      throw new AppError(
        403,
        'meeting_full',
        `This meeting is full: it already has ${this.ctx.maxParticipants} participants`,
      );
    }
    this.admitting++;
    this.nearest ??= regionsByRtt(regionRtts ?? {});
    try {
      await this.media.ensure();
      if (this.isClosed) throw new RoomClosedError('The meeting room closed');
      if (principal.kind === 'guest') this.replaceGuest(principal.guestId);
      this.continuity?.replacedBy(principal);
      const now = this.ctx.clock.now();
      const locks = this.moderation.locksOf(principal);
      const participant = new Participant(id, principal, sink, now.toISOString(), moderator, locks);
      const ticket = this.continuity?.ticket();
      participant.resumeHash = ticket?.hash ?? null;
      this.participants.set(participant.id, participant);
      this.ctx.metrics?.participantJoined(principal.kind);
      const isOwner = principal.kind === 'user' && principal.userId === this.meeting.ownerId;
      // A key sent to a meeting without E2EE is ignored: nothing there is encrypted.
      const e2ee = this.encryption && identityKey && (await this.encryption.joinInfo(identityKey, isOwner));
      sink.entered(this, participant);
      sink.send(
        this.joined(participant, reply, {
          ...(reply.guestToken !== undefined && { guestToken: reply.guestToken }),
          ...(e2ee && { e2ee }),
          ...(ticket && { resumeToken: ticket.token }),
        }),
      );
      this.moderation.remind(participant);
      this.broadcast({ type: 'participantJoined', participant: participant.info() }, participant);
      this.ctx.logger.info(
        { meetingId: this.meeting.id, participantId: participant.id, kind: principal.kind },
        'participant joined',
      );
      this.refreshSubscriptions();
      if (identityKey) this.encryption?.joined(participant, identityKey, admission);
      if (!this.hasStarted) {
        this.hasStarted = true;
        this.tell('started');
      }
      return participant;
    } finally {
      this.admitting--;
      this.closeIfEmpty();
    }
  }

  /** What `joined` tells a participant: the meeting, its roster, and the lobby to moderators. */
  private joined(
    p: Participant,
    reply: JoinReply,
    extra: Pick<ServerMessageOf<'joined'>, 'guestToken' | 'e2ee' | 'resumeToken' | 'resumed'>,
  ): ServerMessageOf<'joined'> {
    return {
      type: 'joined',
      ...(reply.rid !== undefined && { rid: reply.rid }),
      participantId: p.id,
      meeting: { id: this.meeting.id, name: this.meeting.name },
      participants: [...this.participants.values()].map((q) => q.info()),
      iceServers: reply.iceServers,
      ...extra,
      ...(p.moderator && { lobby: this.lobby.book.list() }),
    };
  }

  /**
   * A new connection takes up a participation the room took over from a node that died: the client
   * (or the node holding its socket) hears `joined` as things are now, then what waited for it, and
   * keeps its peer connections, unless they could not be taken over (`mediaMoved`: publish again).
   * A wait in the lobby goes on the same way, with `waiting` again.
   */
  private resume(
    principal: Principal,
    sink: ParticipantSink,
    reply: JoinReply,
    { participantId, token }: NonNullable<JoinExtras['resume']>,
  ): Entry {
    if (!this.continuity) {
      throw new AppError(
        409,
        'resume_failed',
        'This participation cannot be taken up again; join the meeting again',
      );
    }
    const resumed = this.continuity.resume(participantId, token, principal, sink);
    this.ctx.logger.info({ meetingId: this.meeting.id, participantId }, 'participant resumed');
    if ('knock' in resumed) {
      this.lobby.resumed(resumed.knock, sink, reply, token);
      return { waiting: true, id: resumed.knock };
    }
    const { participant, held, mediaLost } = resumed;
    sink.entered(this, participant);
    sink.send(this.joined(participant, reply, { resumeToken: token, resumed: true }));
    for (const message of held) sink.send(message);
    if (mediaLost) sink.send({ type: 'mediaMoved' });
    return { waiting: false, participant };
  }

  /** Hands an E2EE message to the meeting's delivery service. */
  async e2ee(p: Participant, message: E2eeClientMessage): Promise<void> {
    this.assertPresent(p);
    if (!this.encryption)
      throw new AppError(409, 'invalid_state', 'This meeting is not end-to-end encrypted');
    await this.encryption.handle(p.id, message);
  }

  /** Removes a participant and releases its Janus handles; the last one out closes the room. */
  leave(p: Participant, reason: LeaveReason): void {
    if (p.left) return;
    p.left = true;
    this.participants.delete(p.id);
    this.encryption?.left(p.id);
    this.ctx.metrics?.participantLeft(reason);
    const publisher = p.publisher;
    const subscriber = p.subscriber;
    p.publisher = null;
    p.subscriber = null;
    if (publisher) this.byFeed.delete(publisher.feedId);
    this.ctx.logger.info({ meetingId: this.meeting.id, participantId: p.id, reason }, 'participant left');
    this.broadcast({ type: 'participantLeft', participantId: p.id, reason });
    if (this.participants.size === 0 && this.admitting === 0 && this.lobby.book.size === 0) {
      void this.close(true);
      return;
    }
    void Promise.all([publisher?.close(), subscriber?.close()]).catch(() => undefined);
    this.refreshSubscriptions();
  }

  /** Tells the lifecycle listener; its failure is logged, never the room's problem. */
  tell(what: keyof MeetingLifecycle): void {
    this.ctx.lifecycle?.[what](this.meeting.id).catch((err: unknown) =>
      this.ctx.logger.warn({ err, meetingId: this.meeting.id }, `meeting lifecycle (${what}) failed`),
    );
  }

  /**
   * The media server is gone (NET-FAILOVER): the room moves to another one (or to the same one once
   * restarted) and keeps everyone: participant ids, roster, lobby, moderation and the E2EE group are
   * untouched. Each client is told `mediaMoved` and publishes again on fresh connections; subscriptions
   * follow as the new publishers come up. Only when no media server takes the room in time is
   * everyone let go with `media_failure` (and clients join again by themselves).
   */
  fail(why: string): void {
    if (this.isClosed || this.moving) return;
    this.moving = true;
    this.ctx.logger.warn({ meetingId: this.meeting.id, why }, 'meeting media lost; moving the meeting');
    // Another server of the same region first: the people in it are nearest to it.
    const region = this.media.ready?.node.region;
    if (region) this.nearest = [region, ...(this.nearest ?? []).filter((r) => r !== region)];
    this.media.drop();
    this.byFeed.clear();
    // Their handles died with the media server; the old objects' events are ignored from now on.
    for (const p of this.participants.values()) {
      p.publisher = null;
      p.subscriber = null;
    }
    this.media.ensure().then(
      (media) => {
        this.moving = false;
        if (this.isClosed) return;
        this.ctx.metrics?.meetingMoved('moved');
        this.ctx.logger.info(
          {
            meetingId: this.meeting.id,
            region: media.node.region,
            server: media.node.serverId,
            room: media.room.id,
          },
          'meeting moved to another media room',
        );
        this.broadcast({ type: 'mediaMoved' });
      },
      (err: unknown) => {
        this.moving = false;
        this.ctx.logger.warn({ meetingId: this.meeting.id, err }, 'no media server took the meeting');
        this.ctx.metrics?.meetingMoved('failed');
        this.endForMediaFailure(why);
      },
    );
  }

  /** No media server can host the room: everyone is told and disconnected, and the room is forgotten. */
  private endForMediaFailure(why: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClosed(this, false);
    this.encryption?.close();
    this.ctx.logger.warn({ meetingId: this.meeting.id, why }, 'meeting media failed; disconnecting everyone');
    for (const p of this.participants.values()) {
      p.left = true;
      this.ctx.metrics?.participantLeft('media_failure');
      p.sink.end('media_failure', 'The media server stopped working. Join again to continue.');
    }
    this.lobby.close('media_failure', 'The media server stopped working. Join again to continue.');
    this.participants.clear();
    this.byFeed.clear();
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
    for (const p of this.participants.values()) {
      p.left = true;
      this.ctx.metrics?.participantLeft('server_shutdown');
      p.sink.handOff();
    }
    this.lobby.handOff();
    this.participants.clear();
    this.byFeed.clear();
    await this.close();
    return true;
  }

  /** Ends the room for everyone in it, telling them why: a server shutdown, a deleted meeting. */
  async end(reason: 'server_shutdown' | 'meeting_ended', message: string): Promise<void> {
    for (const p of this.participants.values()) {
      p.left = true;
      this.ctx.metrics?.participantLeft(reason);
      p.sink.end(reason, message);
    }
    this.lobby.close(reason, message);
    this.participants.clear();
    this.byFeed.clear();
    // A server shutting down hands the meeting over: another node's room takes its memory back.
    if (reason === 'meeting_ended') this.memory?.forget();
    await this.close();
  }

  /** One live connection per guest token: the newest one stays, an older one is told it was replaced. */
  private replaceGuest(guestId: string): void {
    for (const p of [...this.participants.values()]) {
      if (p.principal.kind !== 'guest' || p.principal.guestId !== guestId) continue;
      p.sink.end('replaced', 'You joined this meeting from another window or device');
      this.leave(p, 'disconnected');
    }
  }

  /**
   * Nobody is in, coming in or waiting: the room goes (the meeting only counts as over if someone was
   * in). Also after a refused join, so that refusals leave no room (nor lease) behind.
   */
  closeIfEmpty(): void {
    if (this.participants.size === 0 && this.admitting === 0 && this.lobby.book.size === 0) {
      void this.close(this.hasStarted);
    }
  }

  private async close(emptied = false): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClosed(this, emptied);
    // The meeting is over: what its moderators decided goes with it.
    if (emptied) this.memory?.forget();
    this.continuity?.stop(!this.handedOver);
    this.encryption?.close();
    // Another node runs the Janus room now: it is left as it is.
    if (this.handedOver) this.media.abandon();
    else await this.media.release();
  }

  /** Points every participant's subscription at every other participant's active streams. */
  private refreshSubscriptions(): void {
    const media = this.media.ready;
    if (this.isClosed || !media) return;
    this.subscriptions.refresh(this.participants.values(), media.room);
    this.changed();
  }

  private broadcast(message: ServerMessage, except?: Participant): void {
    for (const p of this.participants.values()) if (p !== except) p.sink.send(message);
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
