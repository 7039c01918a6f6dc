import type { FastifyReply, FastifyRequest } from 'fastify';

export interface LaunchedPageGateOptions {
  /** The socket's subprotocol: the page must ask for it. */
  subprotocol: string;
  /** The service's public URL: the page is one of its pages. */
  publicUrl: string;
  /** Sockets that have not said who they are yet, at most (more are refused at once). */
  maxUnidentified: number;
  /** What the page is, for the refusals' messages: "recorder", "SIP gateway". */
  what: string;
}

/**
 * The door of a socket that only pages this node launched itself may use (a recorder, a SIP call's
 * gateway): WebSocket with the right subprotocol, from this service's origin, and few at a time
 * until they said hello with their token. A place is reserved before the upgrade and given back once
 * the socket says who it is (`identified`) or its connection closes, whichever comes first: no path
 * can leak a place or slip past the cap.
 */
export function launchedPageGate(options: LaunchedPageGateOptions) {
  const expectedOrigin = new URL(options.publicUrl).origin;
  let unidentified = 0;
  const reservations = new WeakMap<FastifyRequest, () => void>();
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.code(status).send({ code, message });

  return {
    async preValidation(request: FastifyRequest, reply: FastifyReply) {
      if (!request.ws) return refuse(reply, 426, 'bad_request', 'This endpoint only speaks WebSocket');
      const protocols = String(request.headers['sec-websocket-protocol'] ?? '').split(',');
      if (!protocols.map((p) => p.trim()).includes(options.subprotocol)) {
        return refuse(reply, 400, 'bad_request', `The subprotocol must be ${options.subprotocol}`);
      }
      if (request.headers.origin !== expectedOrigin) {
        return refuse(reply, 403, 'forbidden', `Only this service’s ${options.what} connects here`);
      }
      if (unidentified >= options.maxUnidentified) {
        return refuse(reply, 429, 'rate_limited', `Too many ${options.what} connections at once`);
      }
      unidentified++;
      let held = true;
      const release = () => {
        if (held) unidentified--;
        held = false;
      };
      reservations.set(request, release);
      request.raw.socket.once('close', release);
    },
    /** The socket said who it is (or closed): its place goes back. */
    identified(request: FastifyRequest): void {
      reservations.get(request)?.();
    },
  };
}
