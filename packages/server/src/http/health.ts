import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { HealthView, ReadinessView } from '@conclave/protocol';
import { pingDatabase, type Database } from '../db';
import type { MediaPlaneLifecycle } from '../media/status';

/**
 * GET /api/health (registered under /api), liveness and a health summary: 200 whenever the process
 * answers, so a supervisor restarts it only when it is really stuck (restarting cannot bring a
 * database back); "degraded" names the part that is down.
 *
 * GET /api/ready, readiness for load balancers: 200 only when the database answers and the media
 * plane is ready, since a server without media cannot host meetings; 503 otherwise, naming which
 * part is not ready.
 */
export function healthRoutes(db: Kysely<Database>, media: MediaPlaneLifecycle): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', async (_request, reply): Promise<HealthView> => {
      const database = (await pingDatabase(db)) ? 'ready' : 'unavailable';
      const mediaStatus = media.status();
      reply.header('cache-control', 'no-store');
      return {
        status: database === 'ready' && mediaStatus === 'ready' ? 'ok' : 'degraded',
        database,
        media: mediaStatus,
      };
    });

    app.get('/ready', async (_request, reply): Promise<ReadinessView> => {
      const database = (await pingDatabase(db)) ? 'ready' : 'unavailable';
      const mediaStatus = media.status();
      const ready = database === 'ready' && mediaStatus === 'ready';
      reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
      return { status: ready ? 'ready' : 'not_ready', database, media: mediaStatus };
    });
  };
}
