import type { FastifyPluginAsync } from 'fastify';
import type { EventAlertListView } from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { Authenticator } from '../auth';
import type { AlertStore } from './store';

/** The most alerts the admin console lists. */
const LISTED = 100;

/** Under /api/room-systems, in the signed-in context: the latest event alerts (ADM-ROOMS). */
export function alertRoutes(store: AlertStore, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/alerts', async (request): Promise<EventAlertListView> => {
      const caller = authenticator.principal(request);
      authorize(caller, 'roomSystems.alerts', ORGANISATION, 'Only Superusers and Administrators see alerts');
      const rows = await store.latest(caller.organisationId, LISTED);
      return {
        alerts: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          roomSystem: { id: r.roomSystemId, name: r.roomSystemName },
          at: r.at,
          mailed: r.mailed,
        })),
      };
    });
  };
}
