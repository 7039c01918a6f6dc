import fastifyWebsocket from '@fastify/websocket';
import { MAX_SIGNAL_MESSAGE_BYTES, SIGNALING_PATH, SIGNALING_SUBPROTOCOL } from '@conclave/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../common/clock';
import { SignalingConnection } from './connection';
import type {
  DomainEvents,
  EgressTokenSource,
  MeetingEntry,
  MeetingLookup,
  MeetingRecord,
  Principal,
  PrincipalSource,
} from '../domain';
import { noMetrics, type HandshakeRefusal, type RoomMetrics, type SignalingMetrics } from '../metrics';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './rate-limit';
import { LocalDoor, type IceConfig, type MeetingDoor, type RoomRegistry } from '../rooms';
import type { SocketHost } from '../http/websockets';

export interface SignalingOptions {
  auth: PrincipalSource;
  meetings: MeetingLookup;
  /** The passcode check at the door. */
  entry: MeetingEntry;
  /** The service's public URL: a socket's Origin must be its origin, or one of `embedOrigins`. */
  publicUrl: string;
  /**
   * Other web apps' origins whose pages may open a socket to join with a guest token only (the SDK
   * embedded elsewhere, CONCLAVE_EMBED_ORIGINS); none by default.
   */
  embedOrigins?: readonly string[];
  clock: Clock;
  /** How often sockets are pinged; two missed pongs end a socket (default 10 s). */
  heartbeatMs?: number;
  /** Per-socket message limits (defaults: burst 100, 50/s, closed after 1000 refusals in 10 s). */
  limits?: Partial<MessageLimits>;
  /** ICE servers handed to a participant in `joined` (TURN credentials later); none by default. */
  /** The relays each participant is given (NET-TURN); none by default. */
  ice?: (principal: Principal, meeting: MeetingRecord) => IceConfig | Promise<IceConfig>;
  /** The recorders this node launches join with their tokens (REC-START); without it, none can. */
  egress?: EgressTokenSource;
  /** The registry of active meeting rooms (the meetings API looks at it too). */
  rooms: RoomRegistry;
  /** Where joins take their seats (default: the rooms of this process). */
  door?: MeetingDoor;
  /** Sign-outs and deleted meetings end the connections they concern. */
  events?: DomainEvents;
  /** Open signaling sockets per client address (default 100); more are refused with 429. */
  maxSocketsPerAddress?: number;
  /** A socket that has not joined a meeting this long after opening is closed (default 10 s). */
  joinTimeoutMs?: number;
  /** Where sockets, messages, errors, join timings and participants are counted (default: nowhere). */
  metrics?: SignalingMetrics & RoomMetrics;
  /**
   * The app's shared websocket support (http/websockets.ts), when other socket endpoints share the
   * server; without it, this plugin registers its own.
   */
  sockets?: SocketHost;
}

const DEFAULT_MAX_SOCKETS_PER_ADDRESS = 100;
/** Frames up to MAX_SIGNAL_MESSAGE_BYTES get a `message_too_large` error frame; beyond this ws closes (1009). */
export const SIGNALING_MAX_PAYLOAD = MAX_SIGNAL_MESSAGE_BYTES * 16;

/**
 * The signaling WebSocket at SIGNALING_PATH. Registers its own, encapsulated @fastify/websocket:
 * do not register that plugin elsewhere on the same server.
 */
export const signalingPlugin: FastifyPluginAsync<SignalingOptions> = async (app, options) => {
  const expectedOrigin = new URL(options.publicUrl).origin;
  const embedOrigins = new Set(options.embedOrigins ?? []);
  const metrics = options.metrics ?? noMetrics;
  const rooms = options.rooms;
  const connections = new Set<SignalingConnection>();
  const socketsPerAddress = new Map<string, number>();
  const maxSocketsPerAddress = options.maxSocketsPerAddress ?? DEFAULT_MAX_SOCKETS_PER_ADDRESS;
  const deps = {
    auth: options.auth,
    ...(options.egress && { egress: options.egress }),
    meetings: options.meetings,
    entry: options.entry,
    door: options.door ?? new LocalDoor(rooms),
    clock: options.clock,
    logger: app.log,
    limits: { ...DEFAULT_MESSAGE_LIMITS, ...options.limits },
    ice: options.ice ?? (() => ({ iceServers: [] })),
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    metrics,
  };

  const onSessionEnded = (sessionId: string) => {
    for (const connection of connections) connection.endIfSession(sessionId);
    rooms.endSession(sessionId);
  };
  const onMeetingDeleted = (meetingId: string) => void rooms.endMeeting(meetingId);
  options.events?.on('sessionEnded', onSessionEnded);
  options.events?.on('meetingDeleted', onMeetingDeleted);

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, options.heartbeatMs ?? 10_000);
  heartbeat.unref();

  // Before @fastify/websocket's own hook closes the sockets: say why first, and free Janus.
  const shutdown = async () => {
    clearInterval(heartbeat);
    options.events?.off('sessionEnded', onSessionEnded);
    options.events?.off('meetingDeleted', onMeetingDeleted);
    await rooms.shutdown();
  };
  if (options.sockets) options.sockets.beforeClose(shutdown);
  else {
    app.addHook('preClose', shutdown);
    await app.register(fastifyWebsocket, {
      options: {
        maxPayload: SIGNALING_MAX_PAYLOAD,
        perMessageDeflate: false,
        handleProtocols: (protocols) =>
          protocols.has(SIGNALING_SUBPROTOCOL) ? SIGNALING_SUBPROTOCOL : false,
      },
    });
  }

  app.get(
    SIGNALING_PATH,
    {
      websocket: true,
      preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
        const refusal = refuseHandshake(request, [expectedOrigin, ...embedOrigins]);
        if (refusal) {
          metrics.handshakeRefused(refusal.reason);
          request.log.info({ reason: refusal.message }, 'signaling handshake refused');
          await reply.code(refusal.status).send(refusal.body);
          return;
        }
        // Counted before the upgrade and given back when the TCP connection closes, whatever happens
        // in between, so no path can leak a count or slip past the cap.
        const address = request.ip;
        const open = socketsPerAddress.get(address) ?? 0;
        if (open >= maxSocketsPerAddress) {
          metrics.handshakeRefused('too_many_sockets');
          request.log.warn({ address }, 'signaling socket refused: too many from this address');
          await reply.code(429).send({
            code: 'rate_limited',
            message: 'Too many open connections from your address',
          });
          return;
        }
        socketsPerAddress.set(address, open + 1);
        request.raw.socket.once('close', () => {
          const left = (socketsPerAddress.get(address) ?? 1) - 1;
          if (left <= 0) socketsPerAddress.delete(address);
          else socketsPerAddress.set(address, left);
        });
      },
    },
    (socket, request) => {
      const embedded = request.headers.origin !== expectedOrigin;
      const connection = new SignalingConnection(socket, request, deps, embedded);
      connections.add(connection);
      metrics.socketOpened();
      socket.on('close', () => {
        connections.delete(connection);
        metrics.socketClosed();
      });
    },
  );
};

/**
 * The handshake must ask for our subprotocol and come from our own origin, or from an embed origin
 * the operator allowed (no other cross-site sockets).
 */
function refuseHandshake(
  request: FastifyRequest,
  allowedOrigins: readonly string[],
): {
  status: number;
  reason: HandshakeRefusal;
  message: string;
  body: { code: string; message: string };
} | null {
  if (!request.ws) {
    const message = 'This endpoint only speaks WebSocket';
    return { status: 426, reason: 'not_websocket', message, body: { code: 'bad_request', message } };
  }
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!protocols.includes(SIGNALING_SUBPROTOCOL)) {
    const message = `The WebSocket subprotocol must be ${SIGNALING_SUBPROTOCOL}`;
    return { status: 400, reason: 'subprotocol', message, body: { code: 'bad_request', message } };
  }
  if (!allowedOrigins.includes(request.headers.origin ?? '')) {
    const message = 'Signaling is only open to pages of this service';
    return { status: 403, reason: 'origin', message, body: { code: 'forbidden', message } };
  }
  return null;
}
