import type { NetworkEndpointsView } from '@conclave/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { networkEndpoints, type EndpointSources } from './endpoints';

/**
 * GET /network/endpoints (registered under /api), open to anyone (NET-FQDN): the destinations a
 * firewall must let browsers reach, from the running configuration. It tells no more than a
 * participant's browser learns by joining (the same hosts, ports and relays).
 */
export function networkRoutes(sources: EndpointSources): FastifyPluginAsync {
  const view: NetworkEndpointsView = { endpoints: networkEndpoints(sources) };
  return async (app) => {
    app.get('/endpoints', async (_request, reply): Promise<NetworkEndpointsView> => {
      reply.header('cache-control', 'no-store');
      return view;
    });
  };
}
