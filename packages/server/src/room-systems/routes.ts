import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  roomDayQuerySchema,
  roomMeetingQuerySchema,
  type AdminRoomSystemView,
  type PairingStartView,
  type PairingStatusView,
  type RegisterRoomSystemRequest,
  type RestoreRoomSystemRequest,
  type RoomDayView,
  type RoomMeetingView,
  type RoomSessionView,
  type UpdateRoomSystemRequest,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import { notFound, RateLimitError, unauthorized } from '../common/errors';
import type { WindowLimiter } from '../common/rate-limit';
import type { RoomPrincipal } from '../domain';
import type { RoomDay } from './day';
import { roomTokenOf, type RoomCookies } from './http';
import type { RoomPairing } from './pairing';
import type { RoomSystemAdministration } from './service';
import type { ActiveRoomSession, RoomSessions } from './sessions';
import type { RoomSystemStore } from './store';

type WithId = { Params: { id: string } };

export interface RoomScreenDeps {
  pairing: RoomPairing;
  sessions: RoomSessions;
  store: RoomSystemStore;
  cookies: RoomCookies;
  /** Meetings a screen may look up by extension, per room system: no walking the organisation's. */
  lookups: WindowLimiter;
  day: RoomDay;
}

/** The room system whose screen sent the request (its room cookie); 401 for anyone else. */
export function roomScreenOf(sessions: RoomSessions) {
  return async (request: FastifyRequest): Promise<ActiveRoomSession> => {
    const session = await sessions.resolve(roomTokenOf(request));
    if (!session) throw unauthorized('This screen is not paired as a room system');
    return session;
  };
}

/** The room system of a screen's request, for routes of other domains (calls). */
export type RoomScreenAuth = (request: FastifyRequest) => Promise<{ principal: RoomPrincipal }>;

/**
 * Under /api/room-systems, open to a room screen without an account (ADM-ROOMS): asking for a pairing
 * code and waiting for it to be entered (the pairing cookie), then its own session (the room cookie).
 * The one write needs no session and so no CSRF token: the API takes JSON only, which a cross-site
 * form cannot send, and both cookies are SameSite=Strict.
 */
export function roomScreenRoutes({
  pairing,
  sessions,
  store,
  cookies,
  lookups,
  day,
}: RoomScreenDeps): FastifyPluginAsync {
  const screen = roomScreenOf(sessions);
  return async (app) => {
    app.post('/pairing', async (request, reply): Promise<PairingStartView> => {
      const { deviceToken, ...view } = await pairing.start(request.ip);
      cookies.setPairing(reply, deviceToken);
      reply.code(201);
      return view;
    });

    app.get('/pairing', async (request, reply): Promise<PairingStatusView> => {
      const status = await pairing.status(cookies.pairingToken(request));
      if ('view' in status) {
        if (status.view.state === 'expired') cookies.clearPairing(reply);
        return status.view;
      }
      const session = await sessions.resolve(status.session.token);
      if (!session) return { state: 'expired' };
      cookies.clearPairing(reply);
      cookies.setRoom(reply, status.session.token);
      request.log.info({ roomSystemId: status.session.roomSystemId }, 'room system paired');
      return { state: 'paired', room: session.view };
    });

    app.get('/session', async (request, reply): Promise<RoomSessionView> => {
      const token = roomTokenOf(request);
      const session = await sessions.resolve(token);
      if (!session) {
        if (token) cookies.clearRoom(reply);
        throw unauthorized('This screen is not paired as a room system');
      }
      // Renewed at each check-in: a screen in use never loses its cookie.
      cookies.setRoom(reply, token!);
      return session.view;
    });

    app.get('/session/meetings', async (request): Promise<RoomMeetingView> => {
      const { principal } = await screen(request);
      const { extension } = roomMeetingQuerySchema.parse(request.query);
      // Counted before the lookup: a screen is trusted, not with trying every extension.
      const counted = await lookups.consume(principal.roomSystemId);
      if (!counted.allowed) {
        throw new RateLimitError('Too many meetings looked up; try again shortly', counted.retryAfterSeconds);
      }
      const meeting = await store.meetingByExtension(principal.organisationId, extension);
      if (!meeting) throw notFound('No meeting has this extension', 'meeting_not_found');
      return meeting;
    });

    // The room's own session only: a person's session has no room cookie, so it is refused (401).
    app.get('/session/day', async (request): Promise<RoomDayView> => {
      const { principal } = await screen(request);
      const { timeZone } = roomDayQuerySchema.parse(request.query);
      return day.of(principal, timeZone);
    });
  };
}

/** Under /api/room-systems, in the signed-in context: the organisation's room systems, for its administration. */
export function roomSystemAdminRoutes(
  rooms: RoomSystemAdministration,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<{ roomSystems: AdminRoomSystemView[] }> => ({
      roomSystems: await rooms.list(authenticator.principal(request)),
    }));

    app.post('/', async (request, reply): Promise<AdminRoomSystemView> => {
      const view = await rooms.register(
        authenticator.actor(request),
        request.body as RegisterRoomSystemRequest,
      );
      reply.code(201);
      return view;
    });

    app.patch<WithId>('/:id', async (request): Promise<AdminRoomSystemView> =>
      rooms.update(authenticator.actor(request), request.params.id, request.body as UpdateRoomSystemRequest),
    );

    app.post<WithId>('/:id/revoke', async (request): Promise<AdminRoomSystemView> =>
      rooms.revoke(authenticator.actor(request), request.params.id),
    );

    app.post<WithId>('/:id/restore', async (request): Promise<AdminRoomSystemView> =>
      rooms.restore(
        authenticator.actor(request),
        request.params.id,
        request.body as RestoreRoomSystemRequest,
      ),
    );

    app.delete<WithId>('/:id', async (request, reply) => {
      await rooms.delete(authenticator.actor(request), request.params.id);
      return reply.code(204).send();
    });
  };
}
