import fastifyWebsocket from '@fastify/websocket';
import {
  MAX_SIGNAL_MESSAGE_BYTES,
  SIGNALING_PATH,
  SIGNALING_SUBPROTOCOL,
  type IceServerInfo,
} from '@conclave/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../common/clock';
import type { MediaPlane } from '../media/media-plane';
import { SignalingConnection } from './connection';
import type { MeetingLookup, Principal, PrincipalSource } from '../domain';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './rate-limit';
import { RoomRegistry } from '../rooms';

export interface SignalingOptions {
  auth: PrincipalSource;
  meetings: MeetingLookup;
  media: MediaPlane;
  /** The service's public URL: a socket's Origin must be its origin. */
  publicUrl: string;
  clock: Clock;
  /** How often sockets are pinged; two missed pongs end a socket (default 10 s). */
  heartbeatMs?: number;
  /** Per-socket message limits (defaults: burst 100, 50/s, closed after 1000 refusals in 10 s). */
  limits?: Partial<MessageLimits>;
  /** ICE servers handed to a participant in `joined` (TURN credentials later); none by default. */
  iceServers?: (principal: Principal) => IceServerInfo[] | Promise<IceServerInfo[]>;
  /** The registry of active meeting rooms, when the caller wants to look at them; made here otherwise. */
  rooms?: RoomRegistry;
}

/**
 * The signaling WebSocket at SIGNALING_PATH. Registers its own, encapsulated @fastify/websocket:
 * do not register that plugin elsewhere on the same server.
 */
export const signalingPlugin: FastifyPluginAsync<SignalingOptions> = async (app, options) => {
  const expectedOrigin = new URL(options.publicUrl).origin;
  const rooms =
    options.rooms ?? new RoomRegistry({ media: options.media, clock: options.clock, logger: app.log });
  const connections = new Set<SignalingConnection>();
  const deps = {
    auth: options.auth,
    meetings: options.meetings,
    rooms,
    clock: options.clock,
    logger: app.log,
    limits: { ...DEFAULT_MESSAGE_LIMITS, ...options.limits },
    iceServers: options.iceServers ?? (() => []),
  };

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, options.heartbeatMs ?? 10_000);
  heartbeat.unref();

  // Before @fastify/websocket's own hook closes the sockets: say why first, and free Janus.
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    await rooms.shutdown();
  });

  await app.register(fastifyWebsocket, {
    options: {
      // Frames up to this size get a `message_too_large` error frame; beyond it ws closes the socket (1009).
      maxPayload: MAX_SIGNAL_MESSAGE_BYTES * 16,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(SIGNALING_SUBPROTOCOL) ? SIGNALING_SUBPROTOCOL : false),
    },
  });

  app.get(
    SIGNALING_PATH,
    {
      websocket: true,
      preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
        const refusal = refuseHandshake(request, expectedOrigin);
        if (refusal) {
          request.log.info({ reason: refusal.message }, 'signaling handshake refused');
          await reply.code(refusal.status).send(refusal.body);
        }
      },
    },
    (socket, request) => {
      const connection = new SignalingConnection(socket, request, deps);
      connections.add(connection);
      socket.on('close', () => connections.delete(connection));
    },
  );
};

/** The handshake must ask for our subprotocol and come from our own origin (no cross-site sockets). */
function refuseHandshake(
  request: FastifyRequest,
  expectedOrigin: string,
): { status: number; message: string; body: { code: string; message: string } } | null {
  if (!request.ws) {
    const message = 'This endpoint only speaks WebSocket';
    return { status: 426, message, body: { code: 'bad_request', message } };
  }
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!protocols.includes(SIGNALING_SUBPROTOCOL)) {
    const message = `The WebSocket subprotocol must be ${SIGNALING_SUBPROTOCOL}`;
    return { status: 400, message, body: { code: 'bad_request', message } };
  }
  if (request.headers.origin !== expectedOrigin) {
    const message = 'Signaling is only open to pages of this service';
    return { status: 403, message, body: { code: 'forbidden', message } };
  }
  return null;
}

/** The plugin bound to its options, for lists of option-less plugins (e.g. buildApp's `plugins`). */
export function createSignalingPlugin(options: SignalingOptions): FastifyPluginAsync {
  return async (app) => {
    await app.register(signalingPlugin, options);
  };
}
