import type { FastifyPluginAsync } from 'fastify';
import { placeCallRequestSchema, type CallView, type MissedCallsView } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { LiveMeetings } from '../domain';
import type { CallService } from './service';

/** Under /api/calls, in the signed-in context (MEET-CALL, MEET-ADD). */
export function callRoutes(
  calls: CallService,
  authenticator: Authenticator,
  live: LiveMeetings,
): FastifyPluginAsync {
  return async (app) => {
    app.post('/', async (request, reply): Promise<CallView> => {
      const input = placeCallRequestSchema.parse(request.body);
      const principal = authenticator.principal(request);
      const call = await calls.place(principal, input, live);
      await calls.audit({ principal, clientIp: request.ip }, call);
      return reply.code(201).send(call);
    });
    app.get('/missed', async (request): Promise<MissedCallsView> =>
      calls.missed(authenticator.principal(request)),
    );
    app.post('/missed/seen', async (request, reply) => {
      await calls.markMissedSeen(authenticator.principal(request));
      return reply.code(204).send();
    });
    app.get<{ Params: { id: string } }>('/:id', async (request): Promise<CallView> =>
      calls.get(authenticator.principal(request), request.params.id),
    );
    app.post<{ Params: { id: string } }>('/:id/accept', async (request): Promise<CallView> =>
      calls.accept(authenticator.principal(request), request.params.id),
    );
    app.post<{ Params: { id: string } }>('/:id/decline', async (request): Promise<CallView> =>
      calls.decline(authenticator.principal(request), request.params.id),
    );
    app.post<{ Params: { id: string } }>('/:id/cancel', async (request): Promise<CallView> =>
      calls.cancel(authenticator.principal(request), request.params.id),
    );
  };
}
