import fastifyCookie from '@fastify/cookie';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
} from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Authenticator, AuthService, authRoutes, type AuthOptions } from './auth';
import { systemClock, type Clock } from './common/clock';
import type { Config } from './config';
import type { Database } from './db';
import {
  createLogger,
  errorHandler,
  hasWebApp,
  healthRoutes,
  isSpaRoute,
  mapError,
  registerSecurityHeaders,
  registerWebApp,
  sendIndex,
} from './http';
import type { MediaPlaneLifecycle } from './media/status';
import { MeetingService, MeetingStore, meetingRoutes } from './meetings';

/** Request bodies are small JSON documents; anything bigger is refused before it is parsed. */
export const BODY_LIMIT = 64 * 1024;

export interface AppDeps {
  config: Config;
  /** Migrated already (see migrateToLatest); owned and closed by the caller. */
  db: Kysely<Database>;
  /** Only its status is used here, for GET /api/health; the caller starts and stops it. */
  media: MediaPlaneLifecycle;
  clock?: Clock;
  /** A logger from createLogger (so secrets are redacted); defaults to one at config.logLevel on stdout. */
  logger?: Logger;
  /** Registered after the core routes, e.g. signaling. They inherit the error handler and cookie parsing. */
  plugins?: FastifyPluginAsync[];
  /** Rate limits, session lifetimes and guest-token lifetime; defaults suit production. */
  auth?: AuthOptions;
}

/** The HTTP application: API, security headers, error mapping and the web app. Not yet listening. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, media } = deps;
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    // Typed as Fastify's logger interface so the instance keeps the default generics plugins expect.
    loggerInstance: (deps.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    // Malformed URLs get the same JSON error shape as everything else.
    frameworkErrors: (err, _request, reply) => {
      const mapped = mapError(err, BODY_LIMIT);
      void (reply as FastifyReply).code(mapped.status).send(mapped.body);
    },
  });

  app.setErrorHandler(errorHandler(BODY_LIMIT));
  acceptJsonOnly(app);
  await app.register(fastifyCookie);
  await registerSecurityHeaders(app, config.publicUrl);

  const auth = new AuthService(db, clock, deps.auth);
  const authenticator = new Authenticator(auth.sessions, clock, config.publicUrl);
  const meetingStore = new MeetingStore(db);
  const meetings = new MeetingService(meetingStore, clock, config.publicUrl);

  await app.register(healthRoutes(db, media));
  await app.register(authRoutes({ auth, authenticator, meetings: meetingStore }));
  await app.register(meetingRoutes(meetings, authenticator));

  const serveWeb = hasWebApp(config.webDir);
  if (serveWeb) await registerWebApp(app, config.webDir!);
  app.setNotFoundHandler((request, reply) => {
    if (serveWeb && isSpaRoute(request)) return sendIndex(reply);
    const path = request.url.split('?')[0];
    return reply.code(404).send({
      code: 'not_found',
      message: path?.startsWith('/api') ? `No such API endpoint: ${request.method} ${path}` : 'Not found',
    });
  });

  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

/**
 * JSON is the only body format. Dropping text/plain also means a cross-site HTML form cannot post
 * to the API at all. An empty body with a JSON content type counts as no body, since many fetch
 * wrappers send that header on every request.
 */
function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
