import type { FastifyPluginAsync } from 'fastify';
import type { CalendarFeedCreated, CalendarFeedStatus, MeetingInviteView } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { CalendarService } from './service';

/**
 * Under /api/calendar, open to anyone: the feed calendar apps fetch without cookies. The token is in
 * the query string named `token`, which the request log redacts (http/logger.ts).
 */
export function calendarFeedRoutes(calendar: CalendarService): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { token?: unknown } }>('/feed.ics', async (request, reply) => {
      const { token } = request.query;
      const ics = await calendar.feed(typeof token === 'string' ? token : undefined, request.ip);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'inline; filename="conclave.ics"')
        .send(ics);
    });
  };
}

/** Under /api/account, in the signed-in context: the caller's own calendar feed. */
export function accountCalendarRoutes(
  calendar: CalendarService,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/calendar', async (request): Promise<CalendarFeedStatus> =>
      calendar.status(authenticator.principal(request)),
    );

    // The URL is in this answer only: never cached on the way.
    app.post('/calendar', async (request, reply): Promise<CalendarFeedCreated> => {
      const created = await calendar.createFeed(authenticator.actor(request));
      reply.code(201).header('cache-control', 'no-store');
      return created;
    });

    app.delete('/calendar', async (request, reply) => {
      await calendar.deleteFeed(authenticator.actor(request));
      return reply.code(204).send();
    });
  };
}

/** Under /api/meetings, in the signed-in context: a meeting's invitation (ADM-INVITE). */
export function meetingInviteRoutes(
  calendar: CalendarService,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>('/:id/invite', async (request): Promise<MeetingInviteView> =>
      calendar.invite(authenticator.principal(request), request.params.id),
    );
  };
}
