import type { FastifyPluginAsync } from 'fastify';
import type {
  AccountSessionView,
  AccountView,
  ChangePasswordRequest,
  UpdateAccountRequest,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { PersonalData } from './personal-data';
import type { AccountService } from './service';

/** Under /api/account, in the signed-in context: the caller's own account. */
export function accountRoutes(
  account: AccountService,
  personalData: PersonalData,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<AccountView> => account.view(authenticator.principal(request)));

    app.patch('/', async (request): Promise<AccountView> =>
      account.rename(authenticator.actor(request), request.body as UpdateAccountRequest),
    );

    app.post('/password', async (request, reply) => {
      await account.changePassword(authenticator.actor(request), request.body as ChangePasswordRequest);
      return reply.code(204).send();
    });

    // PRIV-EXPORT: a download (the file is named for the day), never kept by a cache on the way.
    app.get('/export', async (request, reply) => {
      const data = await personalData.export(authenticator.principal(request));
      return reply
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          `attachment; filename="conclave-personal-data-${data.exportedAt.slice(0, 10)}.json"`,
        )
        .send(data);
    });

    app.get('/sessions', async (request): Promise<{ sessions: AccountSessionView[] }> => ({
      sessions: await account.sessions(authenticator.principal(request)),
    }));

    app.post('/sessions/sign-out-others', async (request): Promise<{ ended: number }> => ({
      ended: await account.endOtherSessions(authenticator.actor(request)),
    }));

    app.delete<{ Params: { id: string } }>('/sessions/:id', async (request, reply) => {
      await account.endSession(authenticator.actor(request), request.params.id);
      return reply.code(204).send();
    });
  };
}
