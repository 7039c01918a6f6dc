import type { FastifyPluginAsync } from 'fastify';
import type {
  AcceptInvitationRequest,
  AdminUserView,
  CreatedInvitationView,
  InvitationListView,
  CreateInvitationRequest,
  CreateUserRequest,
  InvitationPublicView,
  LookupInvitationRequest,
  SessionView,
  SetRoleRequest,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { Invitations } from './invitations';
import type { UserAdministration } from './service';

type WithId = { Params: { id: string } };

/** Under /api/users, in the signed-in context: the organisation's people, for its administration. */
export function userAdminRoutes(
  users: UserAdministration,
  invitations: Invitations,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<{ users: AdminUserView[] }> => ({
      users: await users.list(authenticator.principal(request)),
    }));

    app.post('/', async (request, reply): Promise<AdminUserView> => {
      const view = await users.create(authenticator.actor(request), request.body as CreateUserRequest);
      reply.code(201);
      return view;
    });

    app.put<WithId>('/:id/role', async (request): Promise<AdminUserView> =>
      users.setRole(authenticator.actor(request), request.params.id, request.body as SetRoleRequest),
    );

    app.post<WithId>('/:id/revoke', async (request): Promise<AdminUserView> =>
      users.revoke(authenticator.actor(request), request.params.id),
    );

    app.post<WithId>('/:id/restore', async (request): Promise<AdminUserView> =>
      users.restore(authenticator.actor(request), request.params.id),
    );

    app.delete<WithId>('/:id', async (request, reply) => {
      await users.delete(authenticator.actor(request), request.params.id);
      return reply.code(204).send();
    });

    app.get('/invitations', async (request): Promise<InvitationListView> =>
      invitations.list(authenticator.principal(request)),
    );

    app.post('/invitations', async (request, reply): Promise<CreatedInvitationView> => {
      const view = await invitations.invite(
        authenticator.actor(request),
        request.body as CreateInvitationRequest,
      );
      reply.code(201);
      return view;
    });

    app.delete<WithId>('/invitations/:id', async (request, reply) => {
      await invitations.revoke(authenticator.actor(request), request.params.id);
      return reply.code(204).send();
    });
  };
}

/**
 * Under /api/invitations, open to anyone holding an invitation link. Like sign-in and setup, these
 * writes come without a session and so without a CSRF token: the API takes JSON only, which a
 * cross-site form cannot send, and each needs the link's secret, which sits in the body, never in a URL.
 */
export function invitationRoutes(invitations: Invitations, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.post('/lookup', async (request): Promise<InvitationPublicView> =>
      invitations.lookup(request.body as LookupInvitationRequest),
    );

    app.post('/accept', async (request, reply): Promise<SessionView> => {
      const issued = await invitations.accept(request.body as AcceptInvitationRequest, request.ip);
      // The person just chose their password in this browser: it is theirs, as after a sign-in.
      authenticator.startSession(reply, issued);
      request.log.info({ userId: issued.view.user.id }, 'account made from an invitation');
      reply.code(201);
      return issued.view;
    });
  };
}
