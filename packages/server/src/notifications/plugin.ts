import { NOTIFICATIONS_PATH, NOTIFICATIONS_SUBPROTOCOL } from '@conclave/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { roomRecipient, type DomainEvents, type PrincipalSource } from '../domain';
import { CLOSE_SIGNED_OUT, NotificationHub } from './hub';

export interface NotificationOptions {
  auth: PrincipalSource;
  events: DomainEvents;
  /** The service's public URL: a socket's Origin must be its origin. */
  publicUrl: string;
  /** How often sockets are pinged; two missed pongs end one (default 20 s). */
  heartbeatMs?: number;
  /** Open notification sockets per user on this node (default 20: tabs and devices). */
  maxPerUser?: number;
  /** Open notification sockets per client address on this node (default 100). */
  maxPerAddress?: number;
}

/** Whom a socket listens for, and under which session it ends. */
interface Recipient {
  key: string;
  sessionId: string;
}

/** Whoever the upgrade request's session is, between the checks and the handler. */
const recipients = new WeakMap<FastifyRequest, Recipient>();

/**
 * A signed-in person; or, asked for with `?as=room`, a paired room system's screen by its room cookie
 * (ADM-ROOMS, MEET-ADD) and nothing else, so that a person signed in on that browser stays apart.
 */
async function recipientOf(auth: PrincipalSource, request: FastifyRequest): Promise<Recipient | null> {
  if ((request.query as { as?: unknown }).as === 'room') {
    const room = await auth.roomFromRequest(request);
    return room && { key: roomRecipient(room.roomSystemId), sessionId: room.sessionId };
  }
  const user = await auth.principalFromRequest(request);
  return user && { key: user.userId, sessionId: user.sessionId };
}

/**
 * The per-user notification socket (NOTIFICATIONS_PATH): a signed-in client keeps one open to hear
 * what concerns its person outside any meeting (a call ringing, MEET-CALL), and a room system's
 * screen to hear it is rung into a meeting (MEET-ADD). It needs the websocket
 * support its parent registered (see http/websockets.ts). Server → client only.
 */
export const notificationsPlugin: FastifyPluginAsync<NotificationOptions> = async (app, options) => {
  const expectedOrigin = new URL(options.publicUrl).origin;
  const hub = new NotificationHub(options.maxPerUser ?? 20);
  const maxPerAddress = options.maxPerAddress ?? 100;
  const perAddress = new Map<string, number>();
  const deliver = (userId: string, notification: Parameters<NotificationHub['deliver']>[1]) =>
    hub.deliver(userId, notification);
  const endSession = (sessionId: string) => hub.endSession(sessionId);
  options.events.on('userNotified', deliver);
  options.events.on('sessionEnded', endSession);
  const heartbeat = setInterval(() => hub.heartbeat(), options.heartbeatMs ?? 20_000);
  heartbeat.unref();
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    options.events.off('userNotified', deliver);
    options.events.off('sessionEnded', endSession);
    hub.closeAll();
  });

  const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.code(status).send({ code, message });

  app.get(
    NOTIFICATIONS_PATH,
    {
      websocket: true,
      preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
        if (!request.ws) return refuse(reply, 426, 'bad_request', 'This endpoint only speaks WebSocket');
        const protocols = String(request.headers['sec-websocket-protocol'] ?? '').split(',');
        if (!protocols.map((p) => p.trim()).includes(NOTIFICATIONS_SUBPROTOCOL)) {
          return refuse(reply, 400, 'bad_request', `The subprotocol must be ${NOTIFICATIONS_SUBPROTOCOL}`);
        }
        if (request.headers.origin !== expectedOrigin) {
          return refuse(reply, 403, 'forbidden', 'Notifications are only open to pages of this service');
        }
        const recipient = await recipientOf(options.auth, request);
        if (!recipient) return refuse(reply, 401, 'unauthorized', 'Sign in first');
        if (!hub.hasRoomFor(recipient.key)) {
          return refuse(reply, 429, 'rate_limited', 'Too many open notification connections');
        }
        // Counted until the TCP connection closes, whatever happens in between (as signaling does).
        const address = request.ip;
        const open = perAddress.get(address) ?? 0;
        if (open >= maxPerAddress) {
          return refuse(reply, 429, 'rate_limited', 'Too many open connections from your address');
        }
        perAddress.set(address, open + 1);
        request.raw.socket.once('close', () => {
          const left = (perAddress.get(address) ?? 1) - 1;
          if (left <= 0) perAddress.delete(address);
          else perAddress.set(address, left);
        });
        recipients.set(request, recipient);
      },
    },
    (socket, request) => {
      const recipient = recipients.get(request);
      if (!recipient) {
        socket.close(1011, 'internal');
        return;
      }
      hub.add(socket, recipient.key, recipient.sessionId);
      // A sign-out between the check and now was not heard by this socket: look once more.
      void recipientOf(options.auth, request).then(
        (still) => {
          if (still?.sessionId !== recipient.sessionId) socket.close(CLOSE_SIGNED_OUT, 'session_ended');
        },
        () => socket.close(1011, 'internal'),
      );
    },
  );
};
