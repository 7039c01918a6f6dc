import type { FastifyPluginAsync } from 'fastify';
import { createApiKeyRequestSchema, type ApiKeyCreatedView, type ApiKeyListView } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { ApiKeys } from './service';

/** Under /api/api-keys, in the signed-in context: the organisation's API keys, for its managers. */
export function apiKeyRoutes(keys: ApiKeys, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<ApiKeyListView> => keys.list(authenticator.principal(request)));

    // The key is in this answer only: never cached on the way.
    app.post('/', async (request, reply): Promise<ApiKeyCreatedView> => {
      const input = createApiKeyRequestSchema.parse(request.body);
      const created = await keys.create(authenticator.principal(request), input, request.ip);
      reply.code(201).header('cache-control', 'no-store');
      return created;
    });

    app.delete<{ Params: { id: string } }>('/:id', async (request, reply) => {
      await keys.revoke(authenticator.principal(request), request.params.id, request.ip);
      return reply.code(204).send();
    });
  };
}
