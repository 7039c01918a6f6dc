import { EGRESS_PATH, EGRESS_SUBPROTOCOL, egressClientMessageSchema } from '@conclave/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { launchedPageGate } from '../../http/launched-page-gate';
import type { Capture } from './capture';
import type { EgressCaptures } from './egress-captures';

export interface EgressSocketOptions {
  captures: EgressCaptures;
  /** The service's public URL: the recorder's page is one of its pages. */
  publicUrl: string;
  /** A socket must say who it is within this long (default 5 s). */
  helloTimeoutMs?: number;
}

/**
 * Sockets that have not said hello yet, on this node. Only recorders the node launched have any
 * business here, a few at a time: more are refused at once.
 */
const MAX_UNIDENTIFIED = 16;

/** Closed: not a recorder of a running capture (or it said so too late, or badly). */
const CLOSE_REFUSED = 4403;

/**
 * The recorder socket (EGRESS_PATH, REC-START): the recorder page a capture launched connects back
 * here with its token, then sends what it records as binary frames. Everyone else is refused: the
 * page must come from this service's origin, say hello with the token of a capture waiting for its
 * recorder, and do so at once. Needs the websocket support its parent registered.
 */
export const egressSocketPlugin: FastifyPluginAsync<EgressSocketOptions> = async (app, options) => {
  const gate = launchedPageGate({
    subprotocol: EGRESS_SUBPROTOCOL,
    publicUrl: options.publicUrl,
    maxUnidentified: MAX_UNIDENTIFIED,
    what: 'recorder',
  });

  app.get(
    EGRESS_PATH,
    {
      websocket: true,
      preValidation: gate.preValidation,
    },
    (socket, request) => {
      let identified = false;
      let capture: Capture | null = null;
      const settle = () => {
        gate.identified(request);
        identified = true;
      };
      const timer = setTimeout(
        () => socket.close(CLOSE_REFUSED, 'hello expected'),
        options.helloTimeoutMs ?? 5_000,
      );
      socket.on('close', () => {
        clearTimeout(timer);
        settle();
        capture?.disconnected();
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          if (capture) capture.media(toBuffer(data));
          else socket.close(CLOSE_REFUSED, 'hello expected');
          return;
        }
        const parsed = parse(data.toString());
        if (!parsed) {
          socket.close(CLOSE_REFUSED, 'bad message');
        } else if (parsed.type === 'hello' && !identified) {
          clearTimeout(timer);
          settle();
          const found = options.captures.find(parsed.token);
          // `ready` goes out before this settles, and media only after `ready` reached the page.
          void (found?.connected(linkOf(socket)) ?? Promise.resolve(false)).then((taken) => {
            if (!taken) return socket.close(CLOSE_REFUSED, 'not a recorder');
            capture = found;
            if (socket.readyState === socket.CLOSED) found?.disconnected();
          });
        } else if (parsed.type === 'end' && capture) {
          capture.ended();
        } else {
          socket.close(CLOSE_REFUSED, 'unexpected message');
        }
      });
    },
  );
};

function parse(text: string) {
  try {
    const result = egressClientMessageSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function linkOf(socket: WebSocket) {
  return {
    send: (message: object) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    close: () => socket.close(1000, 'capture over'),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
