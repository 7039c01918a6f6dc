import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { CSRF_HEADER, type Role, type SessionView } from '@conclave/protocol';
import { buildApp, type AppDeps } from '../../src/app';
import { AccountStore, hashPassword, type AuthOptions } from '../../src/auth';
import { ManualClock } from '../../src/common/clock';
import { installationDialInOf } from '../../src/calendar';
import type { PasscodeLimits } from '../../src/meetings';
import type { CallOptions } from '../../src/calls';
import type { ChatOptions } from '../../src/chat';
import { newId } from '../../src/common/ids';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, logDestination } from '../../src/http';
import { openRedis } from '../../src/redis';
import { SmtpMailer } from '../../src/mail';
import { masterKey } from '../../src/at-rest/master-keys';
import { createServices, type Services } from '../../src/services';
import type { MediaPlaneLifecycle, MediaStatus } from '../../src/media/status';
import type { PairingLimits } from '../../src/room-systems';
import type { HostLookup, WorkerOptions } from '../../src/webhooks';
import type { TestDatabase } from './database';

/** The installation's master key: apps of one test process are nodes of one installation, as configured alike. */
const MASTER_KEY = masterKey(randomBytes(32));

export const PUBLIC_URL = 'http://conclave.test:8080';

export const ADMIN = {
  organisationName: 'Acme Research',
  email: 'ada@acme.test',
  password: 'correct horse battery staple',
  displayName: 'Ada Admin',
};

export interface TestAppOptions {
  publicUrl?: string;
  webDir?: string;
  clock?: ManualClock;
  auth?: AuthOptions;
  passcodeLimits?: PasscodeLimits;
  /** Ringing time and limits of calls (MEET-CALL). */
  calls?: CallOptions;
  /** Sending limits of chat (CHAT-DIRECT, CHAT-MEETING). */
  chat?: ChatOptions;
  plugins?: FastifyPluginAsync[];
  /** The media status health and readiness see (default ready); with `signaling`, its media plane's. */
  mediaStatus?: MediaStatus;
  logLevel?: Config['logLevel'];
  /** More environment variables for the configuration. */
  env?: Record<string, string>;
  /** Signaling over a real media plane; without it the app serves the REST API only. */
  signaling?: AppDeps['signaling'];
  /** The recorders this node launches (REC-START): their socket is served with signaling. */
  recorders?: AppDeps['capture'];
  /** The SIP calls' gateway pages (INTEROP-SIP): their socket is served with signaling. */
  sipPages?: AppDeps['sipPages'];
  requestTimeoutMs?: number;
  /** Whether the app is shutting down (SIGTERM), as main.ts tells it. */
  draining?: () => boolean;
  /** The TURN relay as health and the endpoint list see it (NET-TURN, NET-FQDN). */
  turn?: AppDeps['turn'];
  /** Keep the rate limits in this Redis, as CONCLAVE_REDIS_URL does (one connection per app). */
  redisUrl?: string;
  /** Lets single sign-on use an identity provider at http://127.0.0.1 (test IdPs only). */
  insecureSso?: boolean;
  /** Outgoing mail through this SMTP server, trusting this certificate authority (PEM). */
  mail?: { url: string; ca: string };
  /** Pairing codes of room systems: lifetime and limits (ADM-ROOMS). */
  roomPairing?: Partial<PairingLimits>;
  /** How webhook hosts resolve (default: the system's resolver), and the webhook worker's timing. */
  webhooks?: { lookup?: HostLookup; worker?: Partial<WorkerOptions> };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  clock: ManualClock;
  services: Services;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real app over a real database. The media plane is the one piece not started here: for a
 * REST-only app, only its status matters (health, readiness), so a fixed status stands in for it.
 */
export async function startTestApp(database: TestDatabase, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(
    {
      CONCLAVE_PUBLIC_URL: options.publicUrl ?? PUBLIC_URL,
      CONCLAVE_DATA_DIR: database.dir,
      CONCLAVE_LOG_LEVEL: options.logLevel ?? 'info',
      ...(options.webDir && { CONCLAVE_WEB_DIR: options.webDir }),
      ...options.env,
    },
    { defaultWebDir: null },
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const clock = options.clock ?? new ManualClock();
  const status = options.mediaStatus ?? 'ready';
  const media: MediaPlaneLifecycle = options.signaling?.media ?? {
    start: async () => {},
    stop: async () => {},
    status: () => status,
  };
  // As main.ts does, with the sink for stdout: with CONCLAVE_LOG_FILES the lines go to files too.
  const destination = logDestination(config, { stdout: sink, clock });
  const logger = createLogger(config.logLevel, destination.stream);
  // As main.ts does: wait a little for Redis, and start anyway when it does not answer.
  const redis = options.redisUrl ? openRedis({ url: options.redisUrl, name: 'limits', logger }) : null;
  if (redis) await redis.ready(2000);
  const services = createServices({
    db: database.db,
    masterKeys: { current: MASTER_KEY, previous: [] },
    recordingStores: config.recording.stores,
    publicUrl: config.publicUrl,
    clock,
    redis,
    // As main.ts does; a test's own `auth.limits` wins.
    guestTokensPerAddress: config.limits.guestsPerAddress,
    apiKeyRequestsPerMinute: config.limits.apiKeyRequestsPerMinute,
    installationDialIn: installationDialInOf(config.sip),
    ...(options.auth && { auth: options.auth }),
    ...(options.passcodeLimits && { passcodeLimits: options.passcodeLimits }),
    ...(options.calls && { calls: options.calls }),
    ...(options.chat && { chat: options.chat }),
    ...(options.roomPairing && { roomPairing: options.roomPairing }),
    ...(options.webhooks && { webhooks: options.webhooks }),
    ...(options.insecureSso && { sso: { allowInsecureIssuers: true } }),
    ...(options.mail && {
      mailer: new SmtpMailer(
        { ...options.mail, from: 'Conclave <noreply@conclave.test>' },
        logger.child({ component: 'mail' }),
      ),
    }),
    onBackgroundError: (err, what) => logger.error({ err, what }, 'work after an answer failed'),
  });
  const app = await buildApp({
    config,
    services,
    media,
    logger,
    plugins: options.plugins ?? [],
    ...(options.signaling && { signaling: options.signaling }),
    ...(options.recorders && { capture: options.recorders }),
    ...(options.sipPages && { sipPages: options.sipPages }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.draining && { draining: options.draining }),
    ...(options.turn && { turn: options.turn }),
  });
  await app.ready();
  const close = async () => {
    await app.close();
    await redis?.close();
    destination.close();
  };
  return { app, config, clock, services, logs, close };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';

/**
 * A browser-like client over app.inject: keeps the session cookie, and sends the CSRF header on
 * writes once it knows the token (as the web app does). `csrf: false` leaves it out.
 */
export class TestClient {
  cookie: string | undefined;
  /** The trusted-device cookie a successful sign-in leaves in this "browser". */
  deviceCookie: string | undefined;
  /** A sign-in awaiting its second factor. */
  challengeCookie: string | undefined;
  csrfToken: string | undefined;

  constructor(
    private readonly app: FastifyInstance,
    public remoteAddress = '127.0.0.1',
  ) {}

  async request(
    method: Method,
    url: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const cookies = [this.cookie, this.deviceCookie, this.challengeCookie].filter(Boolean);
    if (cookies.length) headers.cookie = cookies.join('; ');
    if (this.csrfToken && options.csrf !== false && method !== 'GET' && method !== 'HEAD') {
      headers[CSRF_HEADER] = this.csrfToken;
    }
    const res = await this.app.inject({
      method,
      url,
      headers,
      remoteAddress: this.remoteAddress,
      ...(body !== undefined && { payload: body as object }),
    });
    const device = res.cookies.find((c) => c.name === 'conclave_device');
    if (device) this.deviceCookie = `conclave_device=${device.value}`;
    const challenge = res.cookies.find((c) => c.name === 'conclave_signin');
    if (challenge) {
      this.challengeCookie =
        challenge.value && challenge.maxAge !== 0 ? `conclave_signin=${challenge.value}` : undefined;
    }
    const set = res.cookies.find((c) => c.name === 'conclave_session');
    if (set) {
      const cleared = set.value === '' || set.maxAge === 0;
      this.cookie = cleared ? undefined : `conclave_session=${set.value}`;
      if (cleared) this.csrfToken = undefined;
    }
    const type = res.headers['content-type'];
    if (res.statusCode < 300 && typeof type === 'string' && type.includes('json')) {
      const json = res.json<Partial<SessionView>>();
      if (typeof json.csrfToken === 'string') this.csrfToken = json.csrfToken;
    }
    return res;
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: unknown, options?: { csrf?: boolean }) {
    return this.request('POST', url, body, options);
  }
  put(url: string, body?: unknown, options?: { csrf?: boolean }) {
    return this.request('PUT', url, body, options);
  }
  patch(url: string, body?: unknown, options?: { csrf?: boolean }) {
    return this.request('PATCH', url, body, options);
  }
  delete(url: string, options?: { csrf?: boolean }) {
    return this.request('DELETE', url, undefined, options);
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    return this.post('/api/auth/sign-in', { email, password });
  }
}

/** Completes first-run setup with a fresh setup token; returns the Administrator's signed-in client. */
export async function setUp(
  t: Pick<TestApp, 'app' | 'services'>,
): Promise<{ client: TestClient; session: SessionView }> {
  const client = new TestClient(t.app);
  const setupToken = await t.services.auth.setupTokens.issue();
  const res = await client.post('/api/setup', { ...ADMIN, setupToken });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return { client, session: res.json<SessionView>() };
}

/**
 * Adds a user the way a later admin API will: there is no user-management endpoint yet, so this
 * writes through the real account store with a real Argon2id hash.
 */
export async function addUser(
  database: TestDatabase,
  organisationId: string,
  user: { email: string; password: string; displayName: string; role?: Role },
): Promise<string> {
  const id = newId();
  await new AccountStore(database.db).createUser({
    id,
    organisationId,
    email: user.email,
    displayName: user.displayName,
    role: user.role ?? 'user',
    passwordHash: await hashPassword(user.password),
    createdAt: new Date().toISOString(),
  });
  return id;
}

/** A client of `t` signed in as that user (the sign-in must succeed). */
export async function signedInClient(
  t: Pick<TestApp, 'app'>,
  email: string,
  password: string,
): Promise<TestClient> {
  const client = new TestClient(t.app);
  const res = await client.signIn(email, password);
  if (res.statusCode !== 200) throw new Error(`sign-in as ${email} failed: ${res.statusCode} ${res.body}`);
  return client;
}

/**
 * Users of the organisation with these names (email `name@acme.test` in lower case, password
 * `<name> long password`), each signed in on a client of its own. They are Users unless `roles` says
 * otherwise.
 */
export async function signedInUsers<const N extends readonly string[]>(
  t: Pick<TestApp, 'app'>,
  database: TestDatabase,
  organisationId: string,
  names: N,
  roles: Partial<Record<N[number], Role>> = {},
): Promise<{ -readonly [K in keyof N]: TestClient }> {
  const clients: TestClient[] = [];
  for (const name of names as readonly N[number][]) {
    const email = `${name.toLowerCase()}@acme.test`;
    const password = `${name} long password`;
    await addUser(database, organisationId, { email, password, displayName: name, role: roles[name] });
    clients.push(await signedInClient(t, email, password));
  }
  return clients as { -readonly [K in keyof N]: TestClient };
}

/** A second organisation on the same installation, with one user. */
export async function addOrganisation(database: TestDatabase, name: string): Promise<string> {
  const id = newId();
  await new AccountStore(database.db).createOrganisation({ id, name, createdAt: new Date().toISOString() });
  return id;
}
