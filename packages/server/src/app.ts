import fastifyCookie from '@fastify/cookie';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import type { Logger } from 'pino';
import {
  EGRESS_SUBPROTOCOL,
  NOTIFICATIONS_SUBPROTOCOL,
  SIGNALING_SUBPROTOCOL,
  SIP_GATEWAY_SUBPROTOCOL,
} from '@conclave/protocol';
import { authRoutes, guestRoutes, passwordResetRoutes, sessionRoutes, setupRoutes } from './auth';
import type { Config } from './config';
import { auditRoutes } from './audit';
import { directoryRoutes, userRoutes } from './directory';
import { settingsRoutes } from './settings';
import { brandingImageRoutes, publicBrandingRoutes } from './branding';
import { contractRoutes, RetentionJob } from './retention';
import { ssoConfigRoutes, ssoSignInRoutes } from './sso';
import { accountRoutes } from './account';
import { factorRoutes, passkeySignInRoutes } from './factors';
import { invitationRoutes, userAdminRoutes } from './users';
import { NO_CAPTURE, type LiveMeetings, type MeetingCapture, type RoomControl } from './domain';
import {
  createLogger,
  errorHandler,
  logsFolder,
  hasWebApp,
  healthRoutes,
  type HealthParts,
  isSpaRoute,
  mapError,
  registerSecurityHeaders,
  registerWebApp,
  sendIndex,
} from './http';
import type { MediaPlane } from './media';
import { networkRoutes } from './network';
import type { MediaPlaneLifecycle, TurnLifecycle } from './media/status';
import { meetingRoutes, publicMeetingRoutes } from './meetings';
import { AppMetrics, metricsAccess, registerMetrics } from './metrics';
import { e2eeRoomContext } from './e2ee';
import { probeOrigins, regionRoutes } from './regions';
import {
  LocalRoomControl,
  meetingNotLive,
  RoomRegistry,
  type MeetingMemories,
  type RoomStates,
} from './rooms';
import { Cluster, type MeetingLeases, type NodeBus } from './cluster';
import type { Services } from './services';
import { signalingPlugin, SIGNALING_MAX_PAYLOAD, type SignalingOptions } from './signaling';
import { callRoutes, roomCallRoutes } from './calls';
import { chatRoutes } from './chat';
import { notificationsPlugin } from './notifications';
import { egressSocketPlugin, type EgressCaptures } from './recording/capture';
import { sipGatewaySocketPlugin, type GatewayPages } from './sip';
import { liveStreamRoutes } from './recording/live/routes';
import { publicRecordingRoutes, recordingRoutes } from './recording/routes';
import { registerWebsockets } from './http/websockets';
import { reportRoutes } from './reports';
import { alertRoutes, PRESENCE_CHECK_EVERY_MS } from './alerts';
import { webhookRoutes } from './webhooks';
import { roomScreenOf, roomScreenRoutes, roomSystemAdminRoutes } from './room-systems';
import { accountCalendarRoutes, calendarFeedRoutes, meetingInviteRoutes } from './calendar';
import { apiKeyRoutes } from './api-keys';
import { openApiRoutes, platformHandlers, platformRoutes } from './platform';

/** Request bodies are small JSON documents; anything bigger is refused before it is parsed. */
const BODY_LIMIT = 64 * 1024;

/** How often one-time meetings nobody used, and old calls, are looked for. */
const SWEEP_EVERY_MS = 10 * 60_000;
/**
 * How often calls past their ringing time are ended here. The node that placed a call ends it on
 * time by itself; this catches those whose node went away meanwhile.
 */
const CALL_SWEEP_EVERY_MS = 5_000;

/** How often this node tells the call records who is in its rooms (see reports/ledger.ts). */
const PRESENCE_EVERY_MS = 60_000;

export interface AppDeps {
  config: Config;
  services: Services;
  /** Only its status is used here, for health, readiness and metrics; the caller starts and stops it. */
  media: MediaPlaneLifecycle;
  /** The embedded TURN relay's status, for health (NET-TURN); none without one. */
  turn?: TurnLifecycle;
  /** A logger from createLogger (so secrets are redacted); defaults to one at config.logLevel on stdout. */
  logger?: Logger;
  /** The signaling socket and its meeting rooms on this media plane; left out by REST-only tests. */
  signaling?: { media: MediaPlane } & Partial<
    Pick<
      SignalingOptions,
      'heartbeatMs' | 'limits' | 'ice' | 'rooms' | 'maxSocketsPerAddress' | 'joinTimeoutMs' | 'egress'
    >
  > & {
      /** Participants per meeting (default: the configuration's); the next is refused with `meeting_full`. */
      maxParticipants?: number;
      /** How long an emptied room waits before its meeting counts as over (default 30 s). */
      emptyGraceMs?: number;
      /**
       * What records and streams meetings (docs/recording.md, "Capture"); without it, starting one is
       * refused with `recording_unavailable`.
       */
      capture?: MeetingCapture;
      /**
       * With several control-plane nodes (NET-SCALE): how this node reaches the others and learns
       * who owns which meeting. Without it, this process holds every meeting itself.
       */
      cluster?: {
        bus: NodeBus;
        leases: MeetingLeases;
        memories: MeetingMemories;
        /** Where rooms write their live state, for the node that takes a meeting over. */
        states?: RoomStates;
        tickMs?: number;
      };
    };
  /**
   * The recordings and live streams this node captures (REC-START, STREAM-LIVE): their recorders join
   * over signaling and send their media to the recorder socket. Without it, nothing can be recorded.
   */
  capture?: EgressCaptures;
  /** The SIP calls' gateway pages (INTEROP-SIP), whose socket this app serves; none without SIP. */
  sipPages?: GatewayPages;
  /** The app's metrics, when what runs beside it (the SIP gateway) reports into them too; else its own. */
  metrics?: AppMetrics;
  /** How long one HTTP request may take, body included (default 30 s): a slow body is cut off. */
  requestTimeoutMs?: number;
  /** True once the process is shutting down: readiness says `draining` so balancers look elsewhere. */
  draining?: () => boolean;
  /** Registered last, e.g. routes that only tests use. They inherit the error handler and cookie parsing. */
  plugins?: FastifyPluginAsync[];
}

/** The HTTP application: API, signaling, security headers, error mapping and the web app. Not yet listening. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, services, media } = deps;
  const requestTimeout = deps.requestTimeoutMs ?? 30_000;
  // Typed as Fastify's logger interface so the instance keeps the default generics plugins expect.
  const logger: FastifyBaseLogger = deps.logger ?? createLogger(config.logLevel);
  // A client that trickles its request (slowloris) holds a socket until one of these ends it.
  // Node reads them when the server is made (setting them later has no effect) and looks for
  // overdue requests every connectionsCheckingInterval, so that is kept short too.
  const timeouts = {
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 20_000),
    connectionsCheckingInterval: Math.min(requestTimeout / 4, 5_000),
  };
  const options = {
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    requestTimeout,
    connectionTimeout: 120_000,
    trustProxy: trustProxyOption(config.trustProxy),
    // Malformed URLs get the same JSON error shape as everything else.
    frameworkErrors: (err, _request, reply) => {
      const mapped = mapError(err, BODY_LIMIT);
      void (reply as FastifyReply).code(mapped.status).send(mapped.body);
    },
  } satisfies FastifyServerOptions;
  // With a certificate the server speaks HTTPS itself (and signaling wss) on the same port. Fastify
  // then makes an https server from `https` alone and ignores `http`, so the timeouts go there too.
  // Either is the plain instance every plugin is written against: node's https.Server is an
  // http.Server over TLS (its types say so), with the same requests, replies and upgrades.
  const app: FastifyInstance = config.tls
    ? Fastify({ ...options, https: { ...timeouts, ...config.tls.serverOptions() } })
    : Fastify({ ...options, http: timeouts });

  app.setErrorHandler(errorHandler(BODY_LIMIT));
  acceptJsonOnly(app);
  const metrics = deps.metrics ?? new AppMetrics();
  metrics.observeMediaStatus(() => media.status());
  registerMetrics(app, metrics, metricsAccess(config.metrics.allow, config.metrics.token));
  await app.register(fastifyCookie);
  await registerSecurityHeaders(app, config.publicUrl, probeOrigins(config.media));
  // Made here rather than in the signaling plugin so that the meetings API can see who is in a meeting.
  const rooms =
    deps.signaling &&
    (deps.signaling.rooms ??
      new RoomRegistry({
        media: deps.signaling.media,
        clock: services.clock,
        logger: app.log,
        maxParticipants: deps.signaling.maxParticipants ?? config.meetings.maxParticipants,
        audioSlots: config.meetings.audioSlots,
        metrics,
        e2ee: e2eeRoomContext(services.meetingStore, config.e2ee.rotateSeconds * 1000),
        lifecycle: services.meetings,
        ledger: services.callLedger,
        chat: services.meetingChat,
        capturePolicy: services.capturePolicy,
        captureAudit: services.captureAudit,
        ...((deps.signaling.capture ?? deps.capture) && {
          capture: deps.signaling.capture ?? deps.capture,
        }),
        emptyGraceMs: deps.signaling.emptyGraceMs ?? config.meetings.emptyGraceSeconds * 1000,
        reconnectGraceMs: config.meetings.reconnectGraceSeconds * 1000,
        ...(deps.signaling.cluster && { memories: deps.signaling.cluster.memories }),
        ...(deps.signaling.cluster?.states && { states: deps.signaling.cluster.states }),
      }));
  const cluster =
    rooms &&
    deps.signaling?.cluster &&
    new Cluster({
      ...deps.signaling.cluster,
      rooms,
      events: services.events,
      logger: app.log,
      ...(deps.draining && { draining: deps.draining }),
    });
  if (cluster) metrics.observeCluster(() => cluster.activity());
  const live = cluster ?? (rooms ? liveIn(rooms) : NOTHING_LIVE);
  // What the platform API does to running meetings: through the node that holds each one.
  const control = cluster ?? (rooms ? new LocalRoomControl(rooms) : NO_ROOMS);
  const health = {
    media,
    ...(deps.turn && { turn: deps.turn }),
    ...(deps.draining && { draining: deps.draining }),
  };
  await app.register(apiRoutes(config, services, health, live, control), { prefix: '/api' });
  // One-time meetings nobody used, and old marks of ended ones, go (MEET-ONETIME).
  const sweep = () => {
    void services.meetings.sweep().catch((err: unknown) => app.log.error({ err }, 'meeting sweep failed'));
    void services.calls.sweep().catch((err: unknown) => app.log.error({ err }, 'call sweep failed'));
  };
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS);
  sweeper.unref();
  const overdueCalls = setInterval(
    () =>
      void services.calls.expireDue().catch((err: unknown) => app.log.error({ err }, 'call sweep failed')),
    CALL_SWEEP_EVERY_MS,
  );
  overdueCalls.unref();
  // Who is in this node's rooms now (PRIV-CDR): participations taken over are recorded, those of a
  // node that died are ended where they were last seen.
  const presence = setInterval(
    () => services.callLedger.present(rooms?.attendances() ?? []),
    PRESENCE_EVERY_MS,
  );
  presence.unref();
  // Room systems gone quiet, or back (ADM-ROOMS): every node compares, one alerts for each change.
  const roomPresence = setInterval(
    () =>
      void services.roomPresence
        .check()
        .catch((err: unknown) => app.log.error({ err }, 'room-system alerts failed')),
    PRESENCE_CHECK_EVERY_MS,
  );
  roomPresence.unref();
  app.addHook('onReady', async () => sweep());
  // Old log files, and the organisations whose contract ended 180 days ago, go (PRIV-RETENTION).
  const retention = new RetentionJob({
    leases: services.jobLeases,
    purge: services.organisationPurge,
    logsFolder: logsFolder(config.dataDir),
    clock: services.clock,
    logger: app.log.child({ component: 'retention' }),
  });
  let stopRetention: (() => Promise<void>) | undefined;
  // Webhook deliveries that are due, from the queue every node works.
  let stopWebhooks: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopRetention = retention.start();
    stopWebhooks = services.webhookWorker.start();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    clearInterval(overdueCalls);
    clearInterval(presence);
    clearInterval(roomPresence);
    services.calls.close();
    await stopRetention?.();
    await stopWebhooks?.();
  });
  if (deps.signaling && rooms) {
    const unwatch = metrics.watchMedia(deps.signaling.media);
    app.addHook('onClose', async () => unwatch());
    if (cluster) {
      app.addHook('onReady', async () => cluster.start());
      // Before the signaling plugin's own preClose ends the rooms here: their participants, told to
      // join again, must find the meetings free for another node to take.
      app.addHook('preClose', async () => cluster.drain());
      app.addHook('onClose', async () => cluster.stop());
    }
  }
  // Every socket endpoint shares one websocket support (see http/websockets.ts).
  const signaling = deps.signaling;
  await app.register(async (sockets) => {
    const host = await registerWebsockets(
      sockets,
      [SIGNALING_SUBPROTOCOL, NOTIFICATIONS_SUBPROTOCOL, EGRESS_SUBPROTOCOL, SIP_GATEWAY_SUBPROTOCOL],
      SIGNALING_MAX_PAYLOAD,
    );
    await sockets.register(notificationsPlugin, {
      auth: services.principals,
      events: services.events,
      publicUrl: config.publicUrl,
    });
    if (!signaling || !rooms) return;
    const capture = deps.capture;
    if (capture) {
      await sockets.register(egressSocketPlugin, { captures: capture, publicUrl: config.publicUrl });
      // Before the rooms end: each recording is finished with what it has.
      host.beforeClose(() => capture.stopAll());
    }
    const sipPages = deps.sipPages;
    if (sipPages) {
      metrics.observeSipCalls(() => sipPages.open);
      await sockets.register(sipGatewaySocketPlugin, { pages: sipPages, publicUrl: config.publicUrl });
      host.beforeClose(() => sipPages.stopAll());
    }
    await sockets.register(signalingPlugin, {
      auth: services.principals,
      meetings: services.meetingStore,
      entry: services.meetingEntry,
      publicUrl: config.publicUrl,
      embedOrigins: config.embedOrigins,
      clock: services.clock,
      events: services.events,
      metrics,
      maxSocketsPerAddress: config.limits.socketsPerAddress,
      ...signaling,
      ...(capture && { egress: capture }),
      rooms,
      ...(cluster && { door: cluster.door }),
      sockets: host,
    });
  });

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
 * Everything under /api. Routes open to anyone sit at the top; the rest live in one child context
 * whose preHandler requires a signed-in session, so a route added there cannot forget the check.
 */
function apiRoutes(
  config: Config,
  services: Services,
  health: HealthParts,
  live: LiveMeetings,
  control: RoomControl,
): FastifyPluginAsync {
  const { authenticator, meetings } = services;
  const authDeps = { auth: services.auth, authenticator, meetings: services.meetingStore };
  return async (api) => {
    await api.register(healthRoutes(services.db, services.redis, health));
    await api.register(regionRoutes(config.media, config.publicUrl), { prefix: '/regions' });
    const relayUrls = health.turn?.urls ?? [];
    await api.register(networkRoutes({ publicUrl: config.publicUrl, media: config.media, relayUrls }), {
      prefix: '/network',
    });
    await api.register(setupRoutes(authDeps), { prefix: '/setup' });
    await api.register(authRoutes(authDeps), { prefix: '/auth' });
    await api.register(passkeySignInRoutes(services.passkeySignIn, authenticator), { prefix: '/auth' });
    await api.register(passwordResetRoutes(services.passwordResets, authenticator), {
      prefix: '/auth/password-reset',
    });
    await api.register(ssoSignInRoutes(services.sso, authenticator, config.publicUrl), {
      prefix: '/auth/sso',
    });
    await api.register(publicMeetingRoutes(meetings, live), { prefix: '/meetings' });
    await api.register(guestRoutes(authDeps), { prefix: '/meetings' });
    await api.register(invitationRoutes(services.invitations, authenticator), { prefix: '/invitations' });
    const secure = config.publicUrl.startsWith('https:');
    await api.register(publicRecordingRoutes(services.recordingAccess, authenticator, secure), {
      prefix: '/recordings',
    });
    await api.register(liveStreamRoutes(services.liveStreams, services.settings, authenticator), {
      prefix: '/streams',
    });
    await api.register(publicBrandingRoutes(services.branding), { prefix: '/branding' });
    // Signed-in only, but authorised on the request line, before its image body is read (see there).
    await api.register(brandingImageRoutes(services.branding, authenticator), {
      prefix: '/settings/branding',
    });
    await api.register(
      roomScreenRoutes({
        pairing: services.roomPairing,
        sessions: services.roomSessions,
        store: services.roomSystemStore,
        cookies: services.roomCookies,
        lookups: services.roomMeetingLookups,
        day: services.roomDay,
      }),
      { prefix: '/room-systems' },
    );
    await api.register(roomCallRoutes(services.calls, roomScreenOf(services.roomSessions)), {
      prefix: '/room-systems/session/calls',
    });
    await api.register(calendarFeedRoutes(services.calendar), { prefix: '/calendar' });
    // The platform API (docs/api.md): API keys only, never a session; and its OpenAPI document.
    await api.register(openApiRoutes());
    const platform = platformHandlers({
      keys: services.apiKeys,
      meetings,
      audit: services.audit,
      live,
      rooms: control,
      reports: services.usageReports,
      auth: services.auth,
      publicUrl: config.publicUrl,
    });
    await api.register(platformRoutes(services.apiKeys, platform), { prefix: '/v1' });
    await api.register(async (signedIn) => {
      signedIn.addHook('preHandler', authenticator.requireUser);
      await signedIn.register(sessionRoutes(authDeps), { prefix: '/auth' });
      await signedIn.register(meetingRoutes(meetings, services.audit, authenticator, live), {
        prefix: '/meetings',
      });
      await signedIn.register(meetingInviteRoutes(services.calendar, authenticator), { prefix: '/meetings' });
      await signedIn.register(directoryRoutes(services.directory, authenticator), { prefix: '/directory' });
      await signedIn.register(callRoutes(services.calls, authenticator, live), { prefix: '/calls' });
      await signedIn.register(chatRoutes(services.chat, authenticator), { prefix: '/chat' });
      await signedIn.register(recordingRoutes(services.recordingAccess, authenticator), {
        prefix: '/recordings',
      });
      await signedIn.register(userRoutes(services.directory, services.audit, authenticator), {
        prefix: '/users',
      });
      await signedIn.register(userAdminRoutes(services.users, services.invitations, authenticator), {
        prefix: '/users',
      });
      await signedIn.register(auditRoutes(services.audit, authenticator), { prefix: '/audit' });
      await signedIn.register(apiKeyRoutes(services.apiKeys, authenticator), { prefix: '/api-keys' });
      await signedIn.register(reportRoutes(services.usageReports, authenticator), { prefix: '/reports' });
      await signedIn.register(alertRoutes(services.alerts, authenticator), { prefix: '/room-systems' });
      await signedIn.register(roomSystemAdminRoutes(services.roomSystems, authenticator), {
        prefix: '/room-systems',
      });
      await signedIn.register(settingsRoutes(services.settings, authenticator), { prefix: '/settings' });
      await signedIn.register(contractRoutes(services.contracts, authenticator), { prefix: '/organisation' });
      await signedIn.register(ssoConfigRoutes(services.sso, authenticator), { prefix: '/sso' });
      await signedIn.register(webhookRoutes(services.webhooks, authenticator), { prefix: '/webhooks' });
      await signedIn.register(accountRoutes(services.account, services.personalData, authenticator), {
        prefix: '/account',
      });
      const { factors, passkeys, confirmations } = services;
      await signedIn.register(factorRoutes(factors, passkeys, confirmations, authenticator), {
        prefix: '/account',
      });
      await signedIn.register(accountCalendarRoutes(services.calendar, authenticator), {
        prefix: '/account',
      });
    });
  };
}

/** A meeting is in progress while it has a room here: from its first join until its last leave. */
function liveIn(rooms: RoomRegistry): LiveMeetings {
  const open = (meetingId: string) => {
    const room = rooms.room(meetingId);
    return room && !room.closed ? room : undefined;
  };
  return {
    isLive: (meetingId) => open(meetingId) !== undefined,
    captureOf: (meetingId) => open(meetingId)?.captures.notices() ?? NO_CAPTURE,
  };
}

/** Without signaling nobody can be in a meeting on this server. */
const NOTHING_LIVE: LiveMeetings = { isLive: () => false, captureOf: () => NO_CAPTURE };
const NO_ROOMS: RoomControl = {
  roster: () => Promise.resolve(null),
  moderate: () => Promise.reject(meetingNotLive()),
};

/** Fastify runs a hop count this way too; its types only lack the number form. */
function trustProxyOption(trust: Config['trustProxy']) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
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
    // The default parser answers through done() and returns nothing; its type also allows a promise.
    void parseJson(request, text, done);
  });
}
