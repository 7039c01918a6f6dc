import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisOptions {
  /** `redis://` or `rediss://` (TLS), with the password in it if the server wants one. */
  url: string;
  /** What this connection is for (`limits`, `bus`): in its log lines and in Redis's CLIENT LIST. */
  name: string;
  logger: Logger;
  /** A command not answered within this fails (default 1 s), so a hung Redis cannot hang a request. */
  commandTimeoutMs?: number;
}

/** One connection to Redis, reconnecting by itself; built by `openRedis`. */
export interface RedisConnection {
  /**
   * The ioredis client. While it is not connected, commands fail at once rather than wait in a
   * queue: every user of Redis must decide what an outage means for it, not hang.
   */
  readonly client: Redis;
  readonly name: string;
  /** True once connected; false if not within `timeoutMs` (it keeps trying in the background). */
  ready(timeoutMs: number): Promise<boolean>;
  /** Whether Redis answers a PING within the command timeout. */
  state(): Promise<'ready' | 'unavailable'>;
  /**
   * Logs a failed command, saying what it was for: its name and message only, with the password
   * taken out, and at most once every 10 s per connection (an outage fails every request).
   */
  reportFailure(err: unknown, during: string): void;
  /** Another connection with the same settings, e.g. for SUBSCRIBE, which takes a connection for itself. */
  duplicate(name: string): RedisConnection;
  /** Ends the connection and stops reconnecting. */
  close(): Promise<void>;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
const LOG_EVERY_MS = 10_000;

/**
 * Connects to Redis (in the background: this returns at once). Reconnects forever with backoff
 * (0.1 s doubling to 5 s, with jitter so many nodes do not reconnect in step). Connection errors
 * are logged, never thrown: an ioredis client without an error listener would crash the process.
 */
export function openRedis(options: RedisOptions): RedisConnection {
  const log = options.logger.child({ component: 'redis', connection: options.name });
  const secrets = secretsOf(options.url);
  const client = new Redis(options.url, {
    connectionName: `conclave:${options.name}`,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: 5000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) =>
      Math.round(Math.min(100 * 2 ** (times - 1), 5000) * (0.8 + Math.random() * 0.4)),
  });

  let lastLoggedAt = -Infinity;
  let suppressed = 0;
  const throttled = (fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    if (now - lastLoggedAt < LOG_EVERY_MS) {
      suppressed += 1;
      return;
    }
    log.warn({ ...fields, ...(suppressed > 0 && { suppressed }) }, message);
    lastLoggedAt = now;
    suppressed = 0;
  };
  let wasReady = false;
  let lost = false;
  let closing = false;
  // `error`, not `err`: pino's error serializer would turn the plain object into an empty stack.
  client.on('error', (err: unknown) =>
    throttled({ error: safeError(err, secrets) }, 'redis connection error'),
  );
  client.on('ready', () => {
    if (lost) log.info('redis connection is back');
    else if (!wasReady) log.info({ redis: redactRedisUrl(options.url) }, 'connected to redis');
    wasReady = true;
    lost = false;
  });
  client.on('close', () => {
    if (wasReady && !lost && !closing) log.warn('redis connection lost; reconnecting');
    lost = wasReady;
  });

  return {
    client,
    name: options.name,
    ready: (timeoutMs) => {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.on('ready', onReady);
      });
    },
    state: async () => {
      try {
        return (await client.ping()) === 'PONG' ? 'ready' : 'unavailable';
      } catch {
        return 'unavailable';
      }
    },
    reportFailure: (err, during) =>
      throttled({ error: safeError(err, secrets), during }, 'redis command failed'),
    duplicate: (name) => openRedis({ ...options, name }),
    close: async () => {
      closing = true;
      try {
        if (client.status === 'ready') await client.quit();
      } catch {
        // Closing anyway.
      } finally {
        client.disconnect();
      }
    },
  };
}

/** The URL for a log line: the password replaced by `***`. */
function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

function secretsOf(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password ? [...new Set([password, decodeURIComponent(password)])] : [];
  } catch {
    return [];
  }
}

/**
 * What may be logged of a Redis error: its name, code and message. Not the error object itself, since
 * ioredis attaches the failed command with its arguments (an AUTH carries the password).
 */
function safeError(
  err: unknown,
  secrets: readonly string[],
): { name: string; code?: string; message: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  let message = e.message;
  for (const secret of secrets) message = message.split(secret).join('***');
  const code = (e as { code?: unknown }).code;
  return { name: e.name, ...(typeof code === 'string' && { code }), message };
}
