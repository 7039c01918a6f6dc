import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyCaller, ApiKeys } from '../api-keys';
import { OPERATIONS, type Operation, type OperationHandlers, type OperationId } from './operations';

type ParsedHandler = (
  input: { params: unknown; query: unknown; body: unknown },
  caller: ApiKeyCaller,
  clientIp: string,
) => Promise<unknown>;

/**
 * Under PLATFORM_API_PREFIX (/api/v1): the platform API, one route per operation (operations.ts), for
 * API keys only. Each request: the key is checked and counted against its rate limit, its use is
 * written to the audit log, its scope is checked, then its input is parsed by the operation's schemas
 * and its handler runs. No cookie is read here, and no key is accepted anywhere else: person routes
 * read only the session cookie, and the signaling socket only the cookie or a guest token.
 */
export function platformRoutes(keys: ApiKeys, handlers: OperationHandlers<ApiKeyCaller>): FastifyPluginAsync {
  return async (app) => {
    for (const [id, operation] of Object.entries(OPERATIONS) as Array<[OperationId, Operation]>) {
      // Each handler's input is what its own operation's schemas parse to, as they do below.
      const handler = handlers[id] as unknown as ParsedHandler;
      app.route({
        method: operation.method,
        url: operation.path,
        handler: async (request: FastifyRequest, reply: FastifyReply) => {
          const caller = await keys.authenticate(request.headers.authorization, request.ip);
          const allowed = caller.key.scopes.includes(operation.scope);
          await keys.recordUse(caller, id, request.ip, allowed ? undefined : 'insufficient_scope');
          keys.requireScope(caller, operation.scope);
          const input = {
            params: operation.params?.parse(request.params),
            query: operation.query?.parse(request.query),
            body: operation.body?.parse(request.body ?? {}),
          };
          const answer = await handler(input, caller, request.ip);
          reply.code(operation.success.status).header('cache-control', 'no-store');
          return operation.success.schema ? answer : reply.send();
        },
      });
    }
  };
}
