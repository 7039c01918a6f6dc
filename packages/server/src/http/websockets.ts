import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/** What a socket endpoint registered under shared websocket support does before its sockets close. */
export interface SocketHost {
  /** Runs at shutdown before any socket is closed, so the endpoint can say why first. */
  beforeClose(fn: () => Promise<void>): void;
}

/**
 * One @fastify/websocket for every socket endpoint of the app (signaling, notifications): it listens
 * to the server's upgrades, so two of them would both answer each one. It picks the first
 * subprotocol offered that one of `protocols` is; each endpoint checks that it got its own.
 */
export async function registerWebsockets(
  app: FastifyInstance,
  protocols: readonly string[],
  maxPayload: number,
): Promise<SocketHost> {
  const closers: Array<() => Promise<void>> = [];
  await app.register(fastifyWebsocket, {
    options: {
      maxPayload,
      perMessageDeflate: false,
      handleProtocols: (offered) => [...offered].find((p) => protocols.includes(p)) ?? false,
    },
    // The plugin's own hook would close every socket before the endpoints inside said why.
    preClose: async function (this: FastifyInstance) {
      await Promise.allSettled(closers.map((close) => close()));
      for (const client of this.websocketServer.clients) client.close();
      this.websocketServer.close();
    },
  });
  return { beforeClose: (fn) => closers.push(fn) };
}
