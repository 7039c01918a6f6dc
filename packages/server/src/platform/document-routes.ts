import type { FastifyPluginAsync } from 'fastify';
import { openApiDocument } from './openapi';

/**
 * Under /api, open to anyone: the platform API's OpenAPI document (it holds nothing secret), which the
 * web app's reference page (/developers/api) reads. Written once per process.
 */
export function openApiRoutes(): FastifyPluginAsync {
  return async (app) => {
    const document = JSON.stringify(openApiDocument());
    app.get('/openapi.json', async (_request, reply) =>
      reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(document),
    );
  };
}
