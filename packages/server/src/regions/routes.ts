import { regionProbePath, type RegionsView } from '@conclave/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../common/errors';
import { mediaRegions, type MediaConfig } from '../config/media';

/**
 * Media regions for browsers to measure (NET-REGIONS), open to anyone (registered under /api):
 *
 * - GET /regions: each region with a media server, and the URL to time it: the operator's per-region
 *   address (`media.regionProbes`), else this server's own probe path under the public URL. Readable
 *   from every origin too, for the SDK in other web apps' pages (docs/sdk.md): it is the same list
 *   for everyone and holds nothing secret.
 * - GET /regions/:region/probe: 204 with nothing in it, never cached, so each request is one round
 *   trip. Served to every origin with CORS (`Access-Control-Allow-Origin: *`) because the probes of
 *   other regions live on other origins: a plain GET without credentials is a "simple" request, so
 *   CORS costs no preflight, and unlike a `no-cors` fetch the browser can read the status, so an error
 *   page from a wrong address is not mistaken for a fast region. The answer holds nothing and no
 *   cookies are sent, so opening it to all origins reveals nothing.
 */
export function regionRoutes(media: MediaConfig, publicUrl: string): FastifyPluginAsync {
  const regions = mediaRegions(media);
  const view: RegionsView = {
    regions: regions.map((name) => ({
      name,
      probeUrl: media.regionProbes[name] ?? `${publicUrl}${regionProbePath(name)}`,
    })),
  };
  return async (app) => {
    app.get('/', async (_request, reply): Promise<RegionsView> => {
      reply.header('cache-control', 'no-store').header('access-control-allow-origin', '*');
      return view;
    });

    app.get<{ Params: { region: string } }>(
      '/:region/probe',
      // Browsers send three per region at every join: not worth two log lines each.
      { logLevel: 'warn' },
      async (request, reply) => {
        reply
          .header('access-control-allow-origin', '*')
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('cache-control', 'no-store');
        if (!regions.includes(request.params.region)) {
          throw notFound('No media server is in this region', 'unknown_region');
        }
        return reply.code(204).send();
      },
    );
  };
}

/** Origins other than this server's that browsers time regions at: the page's CSP must let it reach them. */
export function probeOrigins(media: MediaConfig): string[] {
  return [...new Set(Object.values(media.regionProbes).map((url) => new URL(url).origin))];
}
