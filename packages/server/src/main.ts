// The server process: configuration, database, media plane, HTTP app with signaling.
// Bundled by esbuild into packages/server/dist/main.js; also runs from source with tsx.
import { buildApp } from './app';
import { installationDialInOf } from './calendar';
import { meetingCaptures } from './recording/captures';
import { redisClusterNode } from './cluster';
import { announceSetupLink } from './auth/first-run';
import { ConfigError, DEFAULT_CONFIG_FILE, findDefaultWebDir, loadConfig, type Config } from './config';
import { migrateToLatest, openDatabase } from './db';
import { createLogger, logDestination, logsFolder } from './http';
import { createMediaPlane } from './media';
import { personKey } from './rooms';
import { TurnRelays } from './turn';
import { SmtpMailer } from './mail';
import { openRedis } from './redis';
import { loadMasterKeys } from './at-rest';
import { AppMetrics } from './metrics';
import { createServices } from './services';
import { GatewayPages, sipGatewayFromConfig } from './sip';

const SHUTDOWN_GRACE_MS = 10_000;
/**
 * A node of several waits this long after SIGTERM, answering readiness with 503 `draining`, before it
 * hands its meetings over and closes: the load balancer (deploy/haproxy.cfg checks every second, two
 * misses) stops sending it new connections, so the clients it lets go reconnect elsewhere.
 */
const DRAIN_NOTICE_MS = 2_500;
/** How long start waits for Redis before serving anyway (limited routes answer 503 until it is up). */
const REDIS_START_WAIT_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // The files (CONCLAVE_LOG_FILES) need no closing: every line is written through before exit.
  const logger = createLogger(config.logLevel, logDestination(config).stream);

  const database = openDatabase(config);
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    console.error(
      `Database error (${database.location}): ${err instanceof Error ? err.message : String(err)}`,
    );
    await database.close().catch(() => {});
    process.exit(1);
  }

  const redis = config.redis.url ? openRedis({ url: config.redis.url, name: 'limits', logger }) : null;
  if (redis && !(await redis.ready(REDIS_START_WAIT_MS))) {
    // Like a media plane that is not up yet: serve what works; sign-in, guests and passcodes fail
    // closed (503 unavailable) and /api/health says "degraded" until it connects.
    logger.error('redis is not reachable yet; rate-limited routes refuse until it is');
  }

  const media = createMediaPlane(config.media, logger.child({ component: 'media' }));
  const turn = TurnRelays.fromConfig(config, logger.child({ component: 'turn' }));
  const mailer = config.mail.smtpUrl
    ? new SmtpMailer(
        { url: config.mail.smtpUrl, from: config.mail.from },
        logger.child({ component: 'mail' }),
      )
    : null;
  if (redis && !config.atRest.masterKey) {
    logger.warn(
      'several control-plane nodes need the same CONCLAVE_MASTER_KEY: with a key made in each data folder, one node cannot read the chat another wrote',
    );
  }
  const masterKeys = await loadMasterKeys({
    configured: config.atRest.masterKey,
    previous: config.atRest.previousMasterKeys,
    dataDir: config.dataDir,
  });
  const services = createServices({
    db: database.db,
    masterKeys,
    recordingStores: config.recording.stores,
    publicUrl: config.publicUrl,
    redis,
    oneTimeUnusedMs: config.meetings.oneTimeUnusedSeconds * 1000,
    calls: { ringMs: Math.max(1, config.calls.ringSeconds) * 1000 },
    guestTokensPerAddress: config.limits.guestsPerAddress,
    apiKeyRequestsPerMinute: config.limits.apiKeyRequestsPerMinute,
    installationDialIn: installationDialInOf(config.sip),
    ...(mailer && { mailer }),
    onEventListenerError: (err, event) => logger.error({ err, event }, 'a domain event listener failed'),
    onBackgroundError: (err, what) => logger.error({ err, what }, 'work after an answer failed'),
  });
  // A master key being rotated: its data keys move to the new one now, once, whichever node is first.
  const rewrapped = await services.dataKeys.rewrap();
  if (rewrapped > 0) logger.info({ rewrapped }, 'data keys re-wrapped with the current master key');
  // With Redis, this process is one control-plane node of several, sharing meetings (NET-SCALE).
  const cluster = redis ? await redisClusterNode(redis, logger, REDIS_START_WAIT_MS) : undefined;
  let stopping = false;
  const capture = meetingCaptures(config, services);
  if (!capture) logger.info('recording is unavailable: the recorder’s browser or ffmpeg is not installed');
  // CONCLAVE_SIP=embedded: each call answered gets a gateway page (docs/sip.md).
  const sipPages =
    config.sip.mode === 'off'
      ? null
      : new GatewayPages({
          publicUrl: config.publicUrl,
          browser: config.recording.browser,
          issueToken: async (meeting, caller) =>
            (await services.auth.issueGuest(meeting, caller.displayName, { via: caller.kind })).token,
          logger: logger.child({ component: 'sip' }),
        });
  // Shared with the SIP gateway, which counts its calls' outcomes there.
  const metrics = new AppMetrics();
  const app = await buildApp({
    config,
    services,
    logger,
    metrics,
    ...(sipPages && { sipPages }),
    media,
    turn,
    draining: () => stopping,
    ...(capture && { capture }),
    signaling: {
      media,
      ice: async (principal, meeting) =>
        turn.ice(
          { meetingId: meeting.id, participant: personKey(principal) },
          (await services.settings.of(meeting.organisationId)).security.relayOnly,
        ),
      ...(cluster && { cluster }),
    },
  });
  try {
    await media.start();
  } catch (err) {
    // Accounts and meetings still work without media; health says "degraded" until it recovers.
    logger.error({ err }, 'media plane failed to start');
  }
  try {
    await turn.start();
  } catch (err) {
    // Media still flows directly; only browsers that need a relay cannot connect until it recovers.
    logger.error({ err }, 'the TURN server failed to start');
  }
  // CONCLAVE_SIP=embedded (INTEROP-SIP, docs/sip.md): Kamailio and the gateway's own Janus.
  const sip =
    sipPages &&
    sipGatewayFromConfig(
      config,
      {
        bridge: sipPages,
        meetings: services.meetingStore,
        installationOrganisation: () => services.auth.accounts.primaryOrganisationId(),
        entry: services.meetingEntry,
        metrics,
      },
      logger.child({ component: 'sip' }),
    );
  try {
    await sip?.start();
  } catch (err) {
    // Meetings work without it; SIP callers get no answer until its processes come up.
    logger.error({ err }, 'the SIP gateway failed to start');
  }

  // Before listening and announcing: a signal that comes at any moment after must drain, not kill.
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    logger.info({ signal }, cluster ? 'draining, then shutting down' : 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    try {
      if (cluster) await new Promise((resolve) => setTimeout(resolve, DRAIN_NOTICE_MS));
      await app.close();
      await sip?.stop();
      await media.stop();
      await turn.stop();
      mailer?.close();
      await redis?.close();
      await database.close();
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', (s) => void shutdown(s));
  process.on('SIGTERM', (s) => void shutdown(s));

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is already in use (set CONCLAVE_PORT)`
        : code === 'EADDRNOTAVAIL'
          ? `${config.host} is not an address of this machine (set CONCLAVE_HOST)`
          : err instanceof Error
            ? err.message
            : String(err);
    console.error(`Cannot listen: ${why}`);
    await sip?.stop().catch(() => {});
    await media.stop().catch(() => {});
    await turn.stop().catch(() => {});
    await redis?.close();
    await database.close().catch(() => {});
    process.exit(1);
  }

  logger.info(
    {
      url: config.publicUrl,
      listen: `${config.host}:${config.port}`,
      // The certificate's file only: the key stays out of every log.
      https: config.tls ? config.tls.certFile : false,
      database: database.kind,
      limits: redis ? 'redis' : 'memory',
      configFile: config.configFile,
      logFiles: config.logFiles ? logsFolder(config.dataDir) : false,
    },
    `Conclave is running at ${config.publicUrl}`,
  );
  if (!(await services.auth.accounts.isSetUp())) {
    await announceSetupLink(services.auth.setupTokens, {
      publicUrl: config.publicUrl,
      dataDir: config.dataDir,
      logger,
      terminal: process.stderr,
    });
  }
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env, {
      defaultWebDir: findDefaultWebDir(),
      defaultConfigFile: DEFAULT_CONFIG_FILE,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
