import { SIP_GATEWAY_PATH, SIP_GATEWAY_SUBPROTOCOL, sipGatewayClientMessageSchema } from '@conclave/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { launchedPageGate } from '../http/launched-page-gate';
import type { GatewayPage, GatewayPages, PageLink } from './gateway-pages';

export interface SipGatewaySocketOptions {
  pages: GatewayPages;
  /** The service's public URL: the gateway page is one of its pages. */
  publicUrl: string;
  /** A socket must say who it is within this long (default 5 s). */
  helloTimeoutMs?: number;
}

/** Sockets that have not said hello yet: only pages of calls this node answers have business here. */
const MAX_UNIDENTIFIED = 16;

/** Closed: not the page of a call waiting for it (or it said so too late, or badly). */
const CLOSE_REFUSED = 4403;

/**
 * The SIP gateway pages' socket (SIP_GATEWAY_PATH, INTEROP-SIP): the page a call launched connects
 * back here with its token; the call's offer, prompts and its way into the meeting go over it.
 * Everyone else is refused, as at the recorder's socket. Needs the websocket support its parent
 * registered.
 */
export const sipGatewaySocketPlugin: FastifyPluginAsync<SipGatewaySocketOptions> = async (app, options) => {
  const gate = launchedPageGate({
    subprotocol: SIP_GATEWAY_SUBPROTOCOL,
    publicUrl: options.publicUrl,
    maxUnidentified: MAX_UNIDENTIFIED,
    what: 'SIP gateway',
  });

  app.get(SIP_GATEWAY_PATH, { websocket: true, preValidation: gate.preValidation }, (socket, request) => {
    let page: GatewayPage | null = null;
    const timer = setTimeout(
      () => socket.close(CLOSE_REFUSED, 'hello expected'),
      options.helloTimeoutMs ?? 5_000,
    );
    socket.on('close', () => {
      clearTimeout(timer);
      gate.identified(request);
      page?.disconnected();
    });
    socket.on('message', (data, isBinary) => {
      const parsed = isBinary ? null : parse(data.toString());
      if (!parsed) return socket.close(CLOSE_REFUSED, 'bad message');
      if (page) {
        if (parsed.type === 'hello') return socket.close(CLOSE_REFUSED, 'unexpected message');
        return page.message(parsed);
      }
      if (parsed.type !== 'hello') return socket.close(CLOSE_REFUSED, 'hello expected');
      clearTimeout(timer);
      gate.identified(request);
      const found = options.pages.find(parsed.token);
      if (!found?.connected(linkOf(socket))) return socket.close(CLOSE_REFUSED, 'not a gateway page');
      page = found;
    });
  });
};

function parse(text: string) {
  try {
    const result = sipGatewayClientMessageSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function linkOf(socket: WebSocket): PageLink {
  return {
    send: (message) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    close: () => socket.close(1000, 'call over'),
  };
}
