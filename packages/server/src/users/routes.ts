import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AdminUserView, CreateUserRequest, SetRoleRequest } from '@conclave/protocol';
import type { AuditActor } from '../audit';
import type { Authenticator } from '../auth';
import type { UserAdministration } from './service';

type WithId = { Params: { id: string } };

/** Under /api/users, in the signed-in context: the organisation's people, for its administration. */
export function userAdminRoutes(users: UserAdministration, authenticator: Authenticator): FastifyPluginAsync {
  const actor = (request: FastifyRequest): AuditActor => ({
    principal: authenticator.principal(request),
    clientIp: request.ip,
  });
  return async (app) => {
    app.get('/', async (request): Promise<{ users: AdminUserView[] }> => ({
      users: await users.list(authenticator.principal(request)),
    }));

    app.post('/', async (request, reply): Promise<AdminUserView> => {
      const view = await users.create(actor(request), request.body as CreateUserRequest);
      reply.code(201);
      return view;
    });

    app.put<WithId>('/:id/role', async (request): Promise<AdminUserView> =>
      users.setRole(actor(request), request.params.id, request.body as SetRoleRequest),
    );

    app.post<WithId>('/:id/revoke', async (request): Promise<AdminUserView> =>
      users.revoke(actor(request), request.params.id),
    );

    app.post<WithId>('/:id/restore', async (request): Promise<AdminUserView> =>
      users.restore(actor(request), request.params.id),
    );

    app.delete<WithId>('/:id', async (request, reply) => {
      await users.delete(actor(request), request.params.id);
      return reply.code(204).send();
    });
  };
}
