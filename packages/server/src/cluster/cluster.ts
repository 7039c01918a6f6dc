import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../common/errors';
import type { RosterEntry } from '@conclave/protocol';
import {
  NO_CAPTURE,
  type CaptureNotices,
  type DomainEvents,
  type LiveMeetings,
  type MeetingRecord,
  type Principal,
  type RoomControl,
  type ServerModeration,
} from '../domain';
import {
  checkTarget,
  LocalDoor,
  LocalRoomControl,
  meetingNotLive,
  rosterEntryOfState,
  type JoinExtras,
  type JoinReply,
  type MeetingDoor,
  type RoomRegistry,
  type RoomStates,
  type Seat,
  type SeatSink,
} from '../rooms';
import type { MeetingLeases, NodeBus } from './bus';
import { HostedSeats } from './hosted-seats';
import { isToOwner } from './messages';
import { NotOwnerError, RemoteSeats } from './remote-seats';

export interface ClusterOptions {
  bus: NodeBus;
  leases: MeetingLeases;
  /** This node's rooms: those of the meetings it owns. */
  rooms: RoomRegistry;
  /** Sign-outs and deleted meetings, told to every node. */
  events?: DomainEvents;
  /**
   * Where rooms write their live state (NET-SCALE): read for what another node's room records or
   * streams (REC-NOTICE). Without it, only this node's rooms are known.
   */
  states?: RoomStates;
  logger: FastifyBaseLogger;
  /** How often claims are renewed and the nodes this one talks to are checked (default 1 s). */
  tickMs?: number;
  /** A forwarded request the owner has not answered in this long fails (default 30 s). */
  callTimeoutMs?: number;
  /**
   * True from SIGTERM on: during the notice the load balancer gets, the node already claims no new
   * meeting (it still forwards joins to meetings other nodes own), so it has nothing new to hand over.
   */
  draining?: () => boolean;
}

const shuttingDown = () => new AppError(503, 'media_unavailable', 'This server is restarting; try again');

/** Tries at finding a meeting's owner before a join gives up (a claim can change hands meanwhile). */
const OWNER_TRIES = 4;

/**
 * One control-plane node among several (NET-SCALE). Each meeting's live state (roster, lobby,
 * moderation, subscriptions, the E2EE delivery service) is held by exactly one node, the one holding
 * its lease; a join that lands on another node is forwarded there, and the socket stays where it
 * landed. See docs/scale-out.md.
 */
export class Cluster implements LiveMeetings, RoomControl {
  readonly door: MeetingDoor;
  /** The platform API's moderation of the rooms held here. */
  private readonly control: LocalRoomControl;
  /** Meetings this node holds the lease of. */
  private readonly claimed = new Set<string>();
  /** Joins on their way in, by meeting: a claim is kept for them before their room exists. */
  private readonly entering = new Map<string, number>();
  private readonly local: LocalDoor;
  private readonly hosted: HostedSeats;
  private readonly remote: RemoteSeats;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** Re-publishing an event another node told us of: not to be told back. */
  private relaying = false;
  /** Shutting down: this node takes no meeting any more. */
  private draining = false;
  /** Nodes found down at the last check: down again at the next one, they are dead. */
  private readonly silent = new Set<string>();

  constructor(private readonly options: ClusterOptions) {
    const { bus, rooms, logger } = options;
    this.local = new LocalDoor(rooms);
    this.hosted = new HostedSeats(bus, this.local, (id) => this.claimed.has(id), logger);
    this.remote = new RemoteSeats(bus, options.callTimeoutMs ?? 30_000);
    this.door = { enter: (...args) => this.enter(...args) };
    this.control = new LocalRoomControl(rooms);
    bus.onMessage((from, message) => {
      if (isToOwner(message)) this.hosted.receive(from, message);
      else this.remote.receive(from, message);
    });
    // An owner nobody hears is as good as dead to its participants here: they rejoin, and their join
    // claims the meeting if it is. (Seats hosted for a landing node wait for the liveness check: a
    // frame lost to it cannot be taken back, but its participants still have their sockets.)
    bus.onUnreachable((node) => this.remote.ownerGone(node));
    this.bridgeEvents();
  }

  get nodeId(): string {
    return this.options.bus.nodeId;
  }

  private get isDraining(): boolean {
    return this.draining || this.options.draining?.() === true;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1_000);
    this.timer.unref();
    void this.tick();
  }

  /**
   * Hands this node's meetings over (on SIGTERM, before their rooms here end): gives their leases up,
   * so the first of their participants to join again, through any other node, claims each one there;
   * and takes no meeting from now on (forwarded joins are sent to ask again, new ones go elsewhere).
   */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const claimed = [...this.claimed];
    this.claimed.clear();
    await Promise.allSettled(
      claimed.map((id) => this.options.rooms.handOff(id, () => this.options.leases.release(id))),
    );
    this.options.logger.info({ meetings: claimed.length }, 'draining: meetings handed over');
  }

  async stop(): Promise<void> {
    await this.drain();
    await this.options.bus.close();
  }

  /** Someone is in the meeting, on this node or another (another's includes its empty-room grace). */
  async isLive(meetingId: string): Promise<boolean> {
    if (this.claimed.has(meetingId)) {
      const room = this.options.rooms.room(meetingId);
      return room !== undefined && !room.closed;
    }
    const owner = await this.options.leases.owner(meetingId);
    return owner !== null && owner !== this.nodeId;
  }

  /**
   * Whether the meeting is recorded or streamed now (REC-NOTICE): from its room here, or as the
   * owning node last wrote its room's live state (it writes each change within milliseconds).
   */
  async captureOf(meetingId: string): Promise<CaptureNotices> {
    if (this.claimed.has(meetingId)) {
      const room = this.options.rooms.room(meetingId);
      return room && !room.closed ? room.captures.notices() : NO_CAPTURE;
    }
    const { leases, states } = this.options;
    if (!states || (await leases.owner(meetingId)) === null) return NO_CAPTURE;
    const capture = (await states.load(meetingId))?.capture;
    const notice = (run: { by: string; since: string } | null | undefined) =>
      run ? { by: run.by, since: run.since } : null;
    return { recording: notice(capture?.recording), streaming: notice(capture?.stream) };
  }

  /**
   * Who is in the meeting now (the platform API): from its room here, or as the owning node last
   * wrote its room's state.
   */
  async roster(meeting: MeetingRecord): Promise<RosterEntry[] | null> {
    if (this.claimed.has(meeting.id)) return this.control.roster(meeting);
    const { leases, states } = this.options;
    if (!states || (await leases.owner(meeting.id)) === null) return null;
    return (await states.load(meeting.id))?.participants.map(rosterEntryOfState) ?? null;
  }

  /**
   * Moderates the meeting (the platform API) where its room is: here, or on the node holding it,
   * which is asked over the bus once what can be checked here was (it answers nothing back).
   */
  async moderate(meeting: MeetingRecord, action: ServerModeration): Promise<void> {
    if (this.claimed.has(meeting.id)) return this.control.moderate(meeting, action);
    const { leases, states, bus } = this.options;
    if ((await leases.owner(meeting.id)) === null) throw meetingNotLive();
    if (action.kind !== 'end' && states) {
      checkTarget(meeting, (await states.load(meeting.id))?.participants ?? [], action.participantId);
    }
    bus.broadcast({ kind: 'moderate', meeting, action });
  }

  /** What this node forwards, for metrics and tests. */
  activity(): { owned: number; hostedSeats: number; remoteSeats: number } {
    return { owned: this.claimed.size, hostedSeats: this.hosted.size, remoteSeats: this.remote.size };
  }

  private async enter(
    meeting: MeetingRecord,
    principal: Principal,
    sink: SeatSink,
    reply: JoinReply,
    extras: JoinExtras,
  ): Promise<Seat> {
    const id = meeting.id;
    this.entering.set(id, (this.entering.get(id) ?? 0) + 1);
    try {
      for (let attempt = 1; ; attempt++) {
        const owner = this.claimed.has(id) ? this.nodeId : await this.claim(id);
        if (this.isDraining && owner === this.nodeId) throw shuttingDown();
        try {
          if (owner === this.nodeId) {
            this.claimed.add(id);
            return await this.local.enter(meeting, principal, sink, reply, extras);
          }
          return await this.remote.enter(owner, meeting, principal, sink, reply, extras);
        } catch (err) {
          if (!(err instanceof NotOwnerError)) throw err;
          if (attempt >= OWNER_TRIES) {
            throw new AppError(503, 'media_unavailable', 'This meeting is moving between servers; try again');
          }
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    } finally {
      const left = (this.entering.get(id) ?? 1) - 1;
      if (left > 0) this.entering.set(id, left);
      else this.entering.delete(id);
    }
  }

  private async claim(meetingId: string): Promise<string> {
    try {
      // A draining node asks who owns the meeting rather than claiming it.
      if (this.isDraining) return (await this.options.leases.owner(meetingId)) ?? this.nodeId;
      const { owner, tookOverFrom } = await this.options.leases.claim(meetingId);
      if (tookOverFrom !== undefined) {
        // Its participants on other nodes need not wait for their nodes to notice the death.
        this.options.logger.warn({ meetingId, from: tookOverFrom }, 'took a meeting over from a dead node');
        this.options.bus.broadcast({ kind: 'meetingTakenOver', meetingId, from: tookOverFrom });
        this.remote.ownerGone(tookOverFrom, meetingId);
      }
      return owner;
    } catch (err) {
      this.options.logger.error({ err, meetingId }, 'could not find the owner of a meeting');
      throw new AppError(503, 'media_unavailable', 'Meetings are not available right now; try again shortly');
    }
  }

  /**
   * Renews this node's claims (giving up those it holds no room for any more, ending the rooms of
   * those another node took), and lets go of the seats of nodes that died.
   */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const { leases, rooms, logger } = this.options;
    try {
      const held = new Set([...rooms.held(), ...this.entering.keys()]);
      for (const id of [...this.claimed]) {
        if (held.has(id)) continue;
        this.claimed.delete(id);
        void leases.release(id).catch((err: unknown) => logger.warn({ err }, 'could not release a meeting'));
      }
      for (const id of await leases.renew([...this.claimed])) {
        if (!this.claimed.delete(id)) continue;
        logger.warn({ meetingId: id }, 'another node took this meeting over; its room here ends');
        await rooms.lost(id);
      }
      const watched = [...new Set([...this.remote.owners(), ...this.hosted.landingNodes()])].filter(
        (n) => n !== this.nodeId,
      );
      if (watched.length === 0) return;
      const alive = await leases.alive(watched);
      for (const node of watched) {
        // Twice in a row, a second apart: a subscription that drops for a Redis reconnection is back by then.
        if (alive.has(node) || !this.silent.has(node)) {
          if (alive.has(node)) this.silent.delete(node);
          else this.silent.add(node);
          continue;
        }
        this.silent.delete(node);
        logger.warn({ node }, 'a control-plane node stopped answering; letting its connections go');
        this.remote.ownerGone(node);
        this.hosted.landingGone(node);
      }
    } catch (err) {
      logger.warn({ err }, 'cluster bookkeeping failed; trying again');
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Sign-outs, deleted meetings and a user's notifications (a call ringing) reach the connections and
   * rooms of every node; a takeover reaches
   * the participants of the meeting wherever they are.
   */
  private bridgeEvents(): void {
    const { events, bus } = this.options;
    events?.on('sessionEnded', (sessionId) => {
      if (!this.relaying) bus.broadcast({ kind: 'sessionEnded', sessionId });
    });
    events?.on('meetingDeleted', (meetingId) => {
      if (!this.relaying) bus.broadcast({ kind: 'meetingDeleted', meetingId });
    });
    events?.on('userNotified', (userId, notification) => {
      if (!this.relaying) bus.broadcast({ kind: 'userNotified', userId, notification });
    });
    bus.onEvent((event) => {
      if (event.kind === 'meetingTakenOver') {
        this.remote.ownerGone(event.from, event.meetingId);
        return;
      }
      if (event.kind === 'moderate') {
        if (!this.claimed.has(event.meeting.id)) return;
        void this.control
          .moderate(event.meeting, event.action)
          .catch((err: unknown) => this.options.logger.warn({ err }, 'moderation from another node failed'));
        return;
      }
      this.relaying = true;
      try {
        if (event.kind === 'sessionEnded') events?.publish('sessionEnded', event.sessionId);
        else if (event.kind === 'userNotified') {
          events?.publish('userNotified', event.userId, event.notification);
        } else events?.publish('meetingDeleted', event.meetingId);
      } finally {
        this.relaying = false;
      }
    });
  }
}
