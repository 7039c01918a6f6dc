import type { FastifyPluginAsync } from 'fastify';
import {
  createMeetingRequestSchema,
  setPasscodeRequestSchema,
  updateMeetingRequestSchema,
  type MeetingPublicView,
  type MeetingView,
} from '@conclave/protocol';
import type { AuditLog } from '../audit';
import type { Authenticator } from '../auth';
import type { LiveMeetings } from '../domain';
import type { MeetingService } from './service';

type WithId = { Params: { id: string } };

/** Under /api/meetings, in the signed-in context: the caller's own meetings. */
export function meetingRoutes(
  meetings: MeetingService,
  audit: AuditLog,
  authenticator: Authenticator,
  live: LiveMeetings,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<{ meetings: MeetingView[] }> => ({
      meetings: await meetings.listMine(authenticator.principal(request)),
    }));

    app.post('/', async (request, reply): Promise<MeetingView> => {
      const input = createMeetingRequestSchema.parse(request.body);
      const view = await meetings.create(authenticator.principal(request), input);
      reply.code(201);
      return view;
    });

    app.get<WithId>('/:id', async (request): Promise<MeetingView> =>
      meetings.get(authenticator.principal(request), request.params.id),
    );

    app.patch<WithId>('/:id', async (request): Promise<MeetingView> => {
      const input = updateMeetingRequestSchema.parse(request.body);
      return meetings.update(authenticator.principal(request), request.params.id, input, live);
    });

    // The passcode travels in the body only, and no log line carries a request body.
    app.put<WithId>('/:id/passcode', async (request): Promise<MeetingView> => {
      const { passcode } = setPasscodeRequestSchema.parse(request.body);
      return meetings.setPasscode(authenticator.principal(request), request.params.id, passcode);
    });

    app.delete<WithId>('/:id/passcode', async (request): Promise<MeetingView> =>
      meetings.removePasscode(authenticator.principal(request), request.params.id),
    );

    app.delete<WithId>('/:id', async (request, reply) => {
      const principal = authenticator.principal(request);
      const deleted = await meetings.delete(principal, request.params.id);
      await audit.record({ principal, clientIp: request.ip }, 'meeting.deleted', {
        kind: 'meeting',
        id: deleted.id,
        name: deleted.name,
      });
      return reply.code(204).send();
    });
  };
}

/** Under /api/meetings, open to anyone with a join link: what the join page shows. */
export function publicMeetingRoutes(meetings: MeetingService, live: LiveMeetings): FastifyPluginAsync {
  return async (app) => {
    app.get<WithId>('/:id/public', async (request): Promise<MeetingPublicView> =>
      meetings.publicView(request.params.id, live),
    );
  };
}
