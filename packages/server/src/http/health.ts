import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { HealthView } from '@conclave/protocol';
import { pingDatabase, type Database } from '../db';
import type { MediaPlaneLifecycle } from '../media/status';

/**
 * GET /api/health (registered under /api): 200 while the database answers (status "degraded" when media is not ready, since
 * accounts and meetings still work), 503 when the database does not.
 */
export function healthRoutes(db: Kysely<Database>, media: MediaPlaneLifecycle): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', async (_request, reply): Promise<HealthView> => {
      const dbOk = await pingDatabase(db);
      const mediaStatus = media.status();
      if (!dbOk) reply.code(503);
      return { status: dbOk && mediaStatus === 'ready' ? 'ok' : 'degraded', media: mediaStatus };
    });
  };
}
