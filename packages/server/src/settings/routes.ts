import type { FastifyPluginAsync } from 'fastify';
import type { Settings, UpdateSettingsRequest } from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { OrganisationSettings } from './service';

/** Under /api/settings, in the signed-in context: the organisation's settings (ADM-SETTINGS). */
export function settingsRoutes(
  settings: OrganisationSettings,
  authenticator: Authenticator,
): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request): Promise<Settings> => settings.get(authenticator.principal(request)));
    app.patch('/', async (request): Promise<Settings> =>
      settings.update(authenticator.actor(request), request.body as UpdateSettingsRequest),
    );
  };
}
