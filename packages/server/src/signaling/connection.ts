import {
  parseClientMessage,
  type ClientMessage,
  type ClientMessageOf,
  type DisconnectedReason,
  type ServerMessage,
  type ServerMessageOf,
} from '@conclave/protocol';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import { toErrorFrame } from './errors';
import { JoinSteps } from './join-steps';
import type {
  EgressTokenSource,
  MeetingEntry,
  MeetingLookup,
  MeetingRecord,
  Principal,
  PrincipalSource,
} from '../domain';
import type { SignalingMetrics } from '../metrics';
import { MessageRateLimiter, type MessageLimits } from './rate-limit';
import {
  OWNER_LOST,
  type IceConfig,
  type MeetingDoor,
  type RoomRequest,
  type Seat,
  type SeatSink,
} from '../rooms';

/** WebSocket close codes the server uses. */
const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  serverError: 1011,
} as const;

function closeCodeFor(reason: DisconnectedReason): number {
  if (reason === 'media_failure') return CloseCode.serverError;
  if (reason === 'server_shutdown') return CloseCode.goingAway;
  return CloseCode.normal;
}

/**
 * Close codes by which a client says it leaves on purpose (a closed tab, `close()`): its participant
 * leaves at once. Any other end of a socket (no close frame, 1006; the SDK's 4001 for a server that
 * stopped answering) is a drop, and the participant keeps its seat for the reconnect grace.
 */
const DELIBERATE_CLOSE: ReadonlySet<number> = new Set([1000, 1001, 1005]);

/** A client that does not read its socket is cut off rather than buffered for without limit. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Requests waiting behind a slow one (e.g. a publish) before new ones are refused. */
const MAX_QUEUED = 64;

export interface ConnectionDeps {
  auth: PrincipalSource;
  egress?: EgressTokenSource;
  meetings: MeetingLookup;
  entry: MeetingEntry;
  /** Where a join takes its seat: a room here, or on the node that owns the meeting. */
  door: MeetingDoor;
  clock: Clock;
  logger: FastifyBaseLogger;
  limits: MessageLimits;
  /** What a participant's browser may relay through (NET-TURN): credentials for this meeting only. */
  ice: (principal: Principal, meeting: MeetingRecord) => IceConfig | Promise<IceConfig>;
  /** An open socket must join within this long. */
  joinTimeoutMs: number;
  metrics: SignalingMetrics;
}

/**
 * One signaling socket. Frames are parsed and refused (with an `error` frame) one by one, never
 * by closing the socket. Valid requests run in order, one at a time, within their lane: the
 * receiving connection (subscription answers and its candidates) has a lane of its own, so its ICE
 * checks never wait behind a publish that is waiting for Janus's answer; everything else shares the
 * main lane, so e.g. candidates sent right after a publish reach Janus after it. Everything but join
 * and ping needs a joined meeting.
 */
export class SignalingConnection implements SeatSink {
  private seat: Seat | null = null;
  /** As `joined` told it, for logs and for resuming. */
  private participantId: string | undefined;
  /** As the last `joined` or `waiting` told it: lets this connection take it up again elsewhere. */
  private resumeToken: string | undefined;
  /** What the join was, to take a seat again when the meeting's node died (see `reseat`). */
  private joinedAs: {
    meeting: MeetingRecord;
    principal: Principal;
    ice: IceConfig;
    identityKey?: Uint8Array;
  } | null = null;
  /** Taking a seat again: requests wait for it. */
  private reseating: Promise<void> | null = null;
  /** Sessions this socket acts for: its cookie's, known from the start, and the one it joined with. */
  private readonly sessionIds = new Set<string>();
  private joinTimer: ReturnType<typeof setTimeout> | null;
  private joining = false;
  private isClosed = false;
  /** The server ended this socket (told why, or cut off for abuse): its participant is not held. */
  private cutOff = false;
  /** Once closed: whether it dropped (its participant is held for the grace) rather than ended. */
  private dropped = false;
  private readonly lanes: Record<Lane, Promise<void>> = {
    main: Promise.resolve(),
    subscriber: Promise.resolve(),
  };
  private queued = 0;
  private missedPongs = 0;
  private readonly limiter: MessageRateLimiter;
  private readonly steps: JoinSteps;

  constructor(
    private readonly socket: WebSocket,
    private readonly request: FastifyRequest,
    private readonly deps: ConnectionDeps,
    /**
     * Opened by a page of another web app (CONCLAVE_EMBED_ORIGINS, the SDK embedded elsewhere): it
     * joins with a guest token only, and no cookie of the request is read, since a page of that site
     * would otherwise act with the session of whoever visits it.
     */
    private readonly embedded = false,
  ) {
    this.limiter = new MessageRateLimiter(deps.limits, deps.clock);
    this.steps = new JoinSteps(deps.metrics);
    // An idle socket costs memory and a file descriptor; whoever opens one must use it.
    this.joinTimer = setTimeout(() => {
      this.joinTimer = null;
      if (this.seat || this.isClosed) return;
      this.sendError({ code: 'invalid_state', message: 'Join a meeting within a few seconds of connecting' });
      this.close(CloseCode.policy, 'join timeout');
    }, deps.joinTimeoutMs);
    this.joinTimer.unref?.();
    // Known before any join, so that signing out (or a revoked room system) also ends a socket that
    // has not joined yet.
    const cookies = embedded
      ? []
      : [deps.auth.principalFromRequest(request), deps.auth.roomFromRequest(request)];
    for (const known of cookies) {
      known.then(
        (p) => {
          if (p) this.sessionIds.add(p.sessionId);
        },
        () => undefined,
      );
    }
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('pong', () => {
      this.missedPongs = 0;
    });
    socket.on('close', (code) => this.onClose(code));
  }

  /** Called by the heartbeat timer: pings, and ends a socket that missed two pongs in a row. */
  heartbeat(): void {
    if (this.isClosed) return;
    if (this.missedPongs >= 2) {
      this.deps.logger.info(
        { participantId: this.participantId },
        'signaling socket stopped answering pings',
      );
      this.socket.terminate();
      return;
    }
    this.missedPongs++;
    this.socket.ping();
  }

  send(message: ServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.deps.logger.warn({ participantId: this.participantId }, 'signaling client does not read; closing');
      this.cutOff = true;
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
    if (message.type === 'joined' || message.type === 'waiting') {
      this.participantId = message.participantId;
      this.resumeToken = message.resumeToken;
    }
    this.steps.sent(message);
  }

  /**
   * The session behind this socket ended (sign-out, revoked access, a room system revoked or deleted):
   * so does the socket, joined or not.
   */
  endIfSession(sessionId: string): void {
    if (this.isClosed || !this.sessionIds.has(sessionId)) return;
    this.end('session_ended', 'You were signed out');
  }

  end(reason: DisconnectedReason, message: string): void {
    this.cutOff = true;
    this.send({ type: 'disconnected', reason, message });
    this.close(closeCodeFor(reason), reason);
  }

  /** This node hands the meeting over as it shuts down: the client resumes through another node. */
  handOff(): void {
    this.seat = null;
    this.close(CloseCode.goingAway, 'moved');
  }

  /**
   * The node holding this socket's meeting died (NET-SCALE): the socket takes a seat again with the
   * node holding the meeting now, resuming the same participation (or wait in the lobby), so the
   * client sees at most a `joined` (or `waiting`) with `resumed` and keeps its media. Requests wait
   * meanwhile. Without a resume token (a single node) or when the resume is refused, the client is
   * told to join again.
   */
  reseat(): void {
    const joinedAs = this.joinedAs;
    const participantId = this.participantId;
    const token = this.resumeToken;
    this.seat = null;
    if (this.isClosed) return;
    if (!joinedAs || participantId === undefined || token === undefined) {
      this.end('server_shutdown', OWNER_LOST);
      return;
    }
    const { meeting, principal, ice, identityKey } = joinedAs;
    this.reseating = this.deps.door
      .enter(meeting, principal, this, ice, {
        ...(identityKey && { identityKey }),
        resume: { participantId, token },
      })
      .then(
        (seat) => {
          if (this.isClosed) seat.disconnect(this.dropped);
          else this.seat = seat;
        },
        (err: unknown) => {
          this.deps.logger.info(
            { err, participantId },
            'could not take a seat again; the client joins again',
          );
          this.end('server_shutdown', OWNER_LOST);
        },
      )
      .finally(() => {
        this.reseating = null;
      });
  }

  private close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  private sendError(body: Omit<ServerMessageOf<'error'>, 'type' | 'rid'>, rid?: string): void {
    this.deps.metrics.errorSent(body.code);
    this.send({ type: 'error', ...(rid !== undefined && { rid }), ...body });
  }

  private onFrame(data: RawData, _isBinary: boolean): void {
    if (this.isClosed) return;
    const receivedAt = JoinSteps.now();
    const verdict = this.limiter.take();
    if (verdict !== 'ok') {
      this.sendError({ code: 'rate_limited', message: 'Too many messages; slow down' });
      if (verdict === 'abusive') {
        this.deps.logger.warn({ participantId: this.participantId }, 'signaling client flooded; closing');
        this.cutOff = true;
        this.close(CloseCode.policy, 'too many messages');
      }
      return;
    }
    const parsed = parseClientMessage(toBytes(data));
    this.deps.metrics.messageReceived(parsed.ok ? parsed.message.type : 'invalid');
    if (!parsed.ok) {
      const { rid, ...body } = parsed.error;
      this.sendError(body, rid);
      return;
    }
    if (this.queued >= MAX_QUEUED) {
      this.sendError({ code: 'rate_limited', message: 'Too many requests in flight' }, ridOf(parsed.message));
      return;
    }
    this.queued++;
    const message = parsed.message;
    const lane = laneOf(message);
    this.lanes[lane] = this.lanes[lane].then(async () => {
      try {
        await this.handle(message, receivedAt);
      } catch (err) {
        this.fail(err, message);
      } finally {
        this.queued--;
      }
    });
  }

  private fail(err: unknown, message: ClientMessage): void {
    const { body, log } = toErrorFrame(err);
    if (log) {
      this.deps.logger[log](
        { err, type: message.type, participantId: this.participantId },
        log === 'error' ? 'signaling failure' : 'signaling request refused by the media server',
      );
    }
    this.sendError(body, ridOf(message));
  }

  private async handle(message: ClientMessage, receivedAt: number): Promise<void> {
    if (this.isClosed && message.type !== 'leave') return;
    if (message.type === 'ping') {
      this.send({ type: 'pong', ...(message.rid !== undefined && { rid: message.rid }) });
      return;
    }
    if (message.type === 'join') {
      await this.join(message, receivedAt);
      return;
    }
    if (this.reseating) await this.reseating;
    const seat = this.seat;
    if (!seat) throw new AppError(409, 'not_joined', 'Join a meeting first');
    const answer = await seat.request(message);
    this.answer(message, answer, receivedAt);
  }

  /** What the client hears back once the room has done what it asked. */
  private answer(message: RoomRequest, sdp: string | undefined, receivedAt: number): void {
    switch (message.type) {
      case 'publish':
        if (sdp === undefined) throw new Error('A publish was answered without an SDP');
        this.send({ type: 'publishAnswer', ...(message.rid !== undefined && { rid: message.rid }), sdp });
        this.steps.published(receivedAt);
        return;
      case 'restartPublisherIce':
        if (sdp === undefined) throw new Error('An ICE restart was answered without an SDP');
        this.send({ type: 'publishAnswer', ...(message.rid !== undefined && { rid: message.rid }), sdp });
        return;
      case 'trickle':
      case 'e2eeGroupCreated':
      case 'e2eeAdmit':
      case 'e2eeKeyPackage':
      case 'e2eeCommit':
      case 'e2eeReady':
        return;
      case 'leave':
        this.ack(message.rid);
        this.close(CloseCode.normal, 'left');
        return;
      default:
        this.ack(message.rid);
    }
  }

  /**
   * Authorises a join: a guest only for the meeting its token names, a user or room system only in
   * its organisation.
   */
  private async join(message: ClientMessageOf<'join'>, receivedAt: number): Promise<void> {
    if (this.seat || this.joining) {
      throw new AppError(409, 'already_joined', 'Already in a meeting');
    }
    this.joining = true;
    this.steps.joining(receivedAt);
    try {
      const { principal, meeting, guestToken } = await this.authorise(message);
      if (this.isClosed) return;
      const ice = await this.deps.ice(principal, meeting);
      const identityKey =
        message.identityKey === undefined
          ? undefined
          : new Uint8Array(Buffer.from(message.identityKey, 'base64url'));
      const reply = {
        ...(message.rid !== undefined && { rid: message.rid }),
        ...ice,
        ...(guestToken !== undefined && { guestToken }),
      };
      const seat = await this.deps.door.enter(meeting, principal, this, reply, {
        ...(identityKey && { identityKey }),
        ...(message.regionRtts && { regionRtts: message.regionRtts }),
        ...(message.resume && { resume: message.resume }),
        ...(message.videoSubscription && { videoSubscription: message.videoSubscription }),
      });
      this.seat = seat;
      this.joinedAs = { meeting, principal, ice, ...(identityKey && { identityKey }) };
      if (this.joinTimer) clearTimeout(this.joinTimer);
      this.joinTimer = null;
      // The socket went while we waited for the media server.
      if (this.isClosed) seat.disconnect(false);
    } finally {
      this.joining = false;
    }
  }

  /**
   * Who joins which meeting: a guest by token only the meeting it names, a guest by name a meeting
   * anyone with the link may join, a user only meetings of their organisation. Another organisation's
   * meeting is reported exactly like a missing one.
   */
  private async authorise(
    message: ClientMessageOf<'join'>,
  ): Promise<{ principal: Principal; meeting: MeetingRecord; guestToken?: string }> {
    const notFound = async () =>
      (await this.deps.meetings.hasEnded(message.meetingId))
        ? new AppError(410, 'meeting_ended', 'This one-time meeting has ended', 'meetingId')
        : new AppError(404, 'meeting_not_found', 'No such meeting', 'meetingId');
    if (
      this.embedded &&
      (message.guestToken === undefined ||
        message.displayName !== undefined ||
        message.egressToken !== undefined ||
        message.roomSystem)
    ) {
      throw new AppError(
        403,
        'forbidden',
        'A page of another site joins with a guest token only',
        'guestToken',
      );
    }
    if (message.egressToken !== undefined) {
      // Launched by this server for this meeting: no passcode, no lobby (the room lets it in unseen).
      const principal = this.deps.egress?.principalFromEgressToken(message.egressToken) ?? null;
      if (!principal || principal.meetingId !== message.meetingId) {
        throw new AppError(401, 'unauthorized', 'This recorder token is not valid', 'egressToken');
      }
      const meeting = await this.deps.meetings.findMeeting(message.meetingId);
      if (!meeting || meeting.organisationId !== principal.organisationId) throw await notFound();
      return { principal, meeting };
    }
    if (message.displayName !== undefined) {
      // Counted before the meeting is looked up, like POST /api/meetings/:id/guests.
      await this.deps.auth.limitNewGuests(this.request.ip);
      const meeting = await this.deps.meetings.findMeeting(message.meetingId);
      if (!meeting) throw await notFound();
      // Before the guest is made: a wrong passcode leaves nothing behind.
      await this.deps.entry.admit(meeting, null, message.passcode, this.request.ip);
      const { principal, token } = await this.deps.auth.newGuest(meeting, message.displayName);
      return { principal, meeting, guestToken: token };
    }
    const principal = await this.principalFor(message);
    if (principal.kind === 'user' || principal.kind === 'room') this.sessionIds.add(principal.sessionId);
    if (principal.kind === 'guest' && principal.meetingId !== message.meetingId) {
      throw new AppError(403, 'forbidden', 'This guest link is for another meeting', 'meetingId');
    }
    const meeting = await this.deps.meetings.findMeeting(message.meetingId);
    if (!meeting) throw await notFound();
    if (meeting.organisationId !== principal.organisationId) {
      throw new AppError(404, 'meeting_not_found', 'No such meeting', 'meetingId');
    }
    // A resume's token proves the participation was let in: no passcode again (the room checks it).
    if (!message.resume) await this.deps.entry.admit(meeting, principal, message.passcode, this.request.ip);
    return { principal, meeting };
  }

  private async principalFor(message: ClientMessageOf<'join'>): Promise<Principal> {
    if (message.roomSystem) {
      const room = await this.deps.auth.roomFromRequest(this.request);
      if (!room) throw new AppError(401, 'unauthorized', 'This screen is not paired as a room system');
      return room;
    }
    if (message.guestToken !== undefined) {
      const guest = await this.deps.auth.principalFromGuestToken(message.guestToken);
      if (!guest)
        throw new AppError(401, 'unauthorized', 'This guest link is not valid any more', 'guestToken');
      return guest;
    }
    const principal = await this.deps.auth.principalFromRequest(this.request);
    if (!principal) throw new AppError(401, 'unauthorized', 'Sign in, or join with a guest link');
    return principal;
  }

  private ack(rid: string | undefined): void {
    this.send({ type: 'ack', ...(rid !== undefined && { rid }) });
  }

  private onClose(code: number): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.dropped = !this.cutOff && !DELIBERATE_CLOSE.has(code);
    this.seat?.disconnect(this.dropped);
  }
}

const ridOf = (message: ClientMessage): string | undefined => ('rid' in message ? message.rid : undefined);

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

type Lane = 'main' | 'subscriber';

function laneOf(message: ClientMessage): Lane {
  if (message.type === 'subscriptionAnswer' || message.type === 'restartSubscriberIce') return 'subscriber';
  if (message.type === 'trickle' && message.target === 'subscriber') return 'subscriber';
  return 'main';
}
