import type { FastifyPluginAsync } from 'fastify';
import { placeCallRequestSchema, type CallView, type MissedCallsView } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { LiveMeetings } from '../domain';
import type { RoomScreenAuth } from '../room-systems';
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

/**
 * Under /api/room-systems/session/calls, for a room system's screen by its room cookie (MEET-ADD):
 * it takes or turns down the call that rings it into a meeting. A person's session is not enough.
 */
export function roomCallRoutes(calls: CallService, screen: RoomScreenAuth): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { id: string } }>('/:id/accept', async (request): Promise<CallView> =>
      calls.acceptAsRoom((await screen(request)).principal, request.params.id),
    );
    app.post<{ Params: { id: string } }>('/:id/decline', async (request): Promise<CallView> =>
      calls.declineAsRoom((await screen(request)).principal, request.params.id),
    );
  };
}
