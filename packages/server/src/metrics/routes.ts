import type { FastifyInstance } from 'fastify';
import type { AppMetrics } from './app-metrics';
import type { MetricsAccess } from './access';

/**
 * Times every HTTP request (by route pattern, so IDs in paths never become labels) and serves
 * GET /metrics in the Prometheus text format to those `access` lets in. Call before registering
 * routes, so the hook covers them all.
 */
export function registerMetrics(app: FastifyInstance, metrics: AppMetrics, access: MetricsAccess): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (request, reply) => {
    const verdict = access(request);
    if (verdict === 'bad_token') {
      return reply.code(401).send({ code: 'unauthorized', message: 'The metrics token is not valid' });
    }
    if (verdict === 'forbidden') {
      return reply.code(403).send({
        code: 'forbidden',
        message:
          'Metrics are served only to allowed addresses (CONCLAVE_METRICS_ALLOW) or with the metrics token',
      });
    }
    const body = await metrics.exposition();
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(body);
  });
}
