import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { HealthView, ReadinessView } from '@conclave/protocol';
import { pingDatabase, type Database } from '../db';
import type { MediaPlaneLifecycle, TurnLifecycle } from '../media/status';
import type { RedisConnection } from '../redis';

/** What health reports on besides the database and Redis; `draining` while the node shuts down. */
export interface HealthParts {
  media: MediaPlaneLifecycle;
  turn?: TurnLifecycle;
  draining?: () => boolean;
}

/**
 * GET /api/health (registered under /api), liveness and a health summary: 200 whenever the process
 * answers, so a supervisor restarts it only when it is really stuck (restarting cannot bring a
 * database back); "degraded" names the part that is down.
 *
 * GET /api/ready, readiness for load balancers: 200 only when the database answers and the media
 * plane is ready, since a server without media cannot host meetings; 503 otherwise, naming which
 * part is not ready. Redis, where configured, is reported but does not decide readiness: every node
 * shares the one Redis, so none would be readier than another, and a load balancer left with no
 * ready node would refuse even what works without Redis (signed-in people joining meetings). The
 * embedded TURN relay likewise: most people connect without it. Routes
 * that need it answer 503 `unavailable` themselves. A node that is shutting down answers 503 `draining`
 * at once, so that the load balancer sends its new connections elsewhere while it hands over.
 */
export function healthRoutes(
  db: Kysely<Database>,
  redis: RedisConnection | null,
  { media, turn, draining = () => false }: HealthParts,
): FastifyPluginAsync {
  const parts = async () => {
    const [database, redisState] = await Promise.all([
      pingDatabase(db).then((ok) => (ok ? ('ready' as const) : ('unavailable' as const))),
      redis?.state(),
    ]);
    const turnState = turn?.status();
    return {
      database,
      media: media.status(),
      ...(redisState && { redis: redisState }),
      ...(turnState && turnState !== 'off' && { turn: turnState }),
    };
  };
  return async (app) => {
    app.get('/health', async (_request, reply): Promise<HealthView> => {
      const state = await parts();
      const ok =
        state.database === 'ready' &&
        state.media === 'ready' &&
        state.redis !== 'unavailable' &&
        (state.turn === undefined || state.turn === 'ready');
      reply.header('cache-control', 'no-store');
      return { status: ok ? 'ok' : 'degraded', ...state };
    });

    app.get('/ready', async (_request, reply): Promise<ReadinessView> => {
      const state = await parts();
      const ready = state.database === 'ready' && state.media === 'ready' && !draining();
      reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
      return { status: draining() ? 'draining' : ready ? 'ready' : 'not_ready', ...state };
    });
  };
}
