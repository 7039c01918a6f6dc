import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting comes from the environment (CONCLAVE_*, DATABASE_URL), is validated here at start,
 * and a wrong value stops the process with a message naming the variable. README lists them all.
 */
export interface Config {
  host: string;
  port: number;
  /** Where users reach the service; builds join links and decides Secure cookies. */
  publicUrl: string;
  dataDir: string;
  /** PostgreSQL URL, or null for the embedded SQLite file in dataDir. */
  databaseUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Folder with the built web app; null serves the API only. */
  webDir: string | null;
  /**
   * Which reverse proxies' X-Forwarded-For to believe: none (false), the addresses or CIDRs of the
   * proxies, or a number of hops. Never "everyone": then any client could pick its own address and
   * walk past every per-address limit.
   */
  trustProxy: false | number | string[];
  media: MediaConfig;
}

export type MediaConfig =
  | {
      mode: 'embedded';
      janusBinary: string;
      /** Loopback port of the generated Janus WebSocket transport; 0 picks a free one. */
      janusWsPort: number;
      rtpPortRange: { min: number; max: number };
      /** Interfaces ICE may gather on (Janus ice_enforce_list); null lets Janus choose. */
      iceInterfaces: string | null;
    }
  | {
      mode: 'external';
      /** WebSocket URLs of Janus instances run by the operator. */
      janusUrls: string[];
      apiSecret: string;
    };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const port = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int()
    .min(0)
    .max(65535, `${name} must be a TCP port (0–65535)`);

const env = z.object({
  CONCLAVE_HOST: z.string().min(1).default('127.0.0.1'),
  CONCLAVE_PORT: port('CONCLAVE_PORT').default(8080),
  CONCLAVE_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  CONCLAVE_DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for the embedded SQLite database)')
    .optional(),
  CONCLAVE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONCLAVE_WEB_DIR: z.string().optional(),
  CONCLAVE_TRUST_PROXY: z.string().default('false'),
  CONCLAVE_JANUS_URLS: z.string().optional(),
  CONCLAVE_JANUS_API_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CONCLAVE_JANUS_BINARY: z.string().min(1).default('/usr/bin/janus'),
  CONCLAVE_JANUS_WS_PORT: port('CONCLAVE_JANUS_WS_PORT').default(0),
  CONCLAVE_RTP_PORTS: z
    .string()
    .regex(/^\d+-\d+$/, 'must look like 20000-40000')
    .default('20000-40000'),
  CONCLAVE_MEDIA_INTERFACE: z.string().min(1).optional(),
});

export interface LoadConfigOptions {
  /** Resolves relative paths; defaults to the process's working directory. */
  cwd?: string;
  /** Default web folder when CONCLAVE_WEB_DIR is unset. */
  defaultWebDir?: string | null;
}

export function loadConfig(source: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  const cwd = options.cwd ?? process.cwd();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));

  const [minText, maxText] = e.CONCLAVE_RTP_PORTS.split('-');
  const rtp = { min: Number(minText), max: Number(maxText) };
  if (rtp.min < 1024 || rtp.max > 65535 || rtp.min >= rtp.max) {
    throw new ConfigError('CONCLAVE_RTP_PORTS', 'must be a range within 1024–65535 with min < max');
  }

  let media: MediaConfig;
  if (e.CONCLAVE_JANUS_URLS) {
    const urls = e.CONCLAVE_JANUS_URLS.split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    for (const u of urls) {
      if (!/^wss?:\/\/[^\s]+$/.test(u))
        throw new ConfigError('CONCLAVE_JANUS_URLS', `not a ws:// or wss:// URL: ${u}`);
    }
    if (!e.CONCLAVE_JANUS_API_SECRET) {
      throw new ConfigError('CONCLAVE_JANUS_API_SECRET', 'is required when CONCLAVE_JANUS_URLS is set');
    }
    media = { mode: 'external', janusUrls: urls, apiSecret: e.CONCLAVE_JANUS_API_SECRET };
  } else {
    media = {
      mode: 'embedded',
      janusBinary: e.CONCLAVE_JANUS_BINARY,
      janusWsPort: e.CONCLAVE_JANUS_WS_PORT,
      rtpPortRange: rtp,
      iceInterfaces: e.CONCLAVE_MEDIA_INTERFACE ?? null,
    };
  }

  const publicUrl = (
    e.CONCLAVE_PUBLIC_URL ?? `http://${hostForUrl(e.CONCLAVE_HOST)}:${e.CONCLAVE_PORT}`
  ).replace(/\/+$/, '');
  const webDir = e.CONCLAVE_WEB_DIR !== undefined ? abs(e.CONCLAVE_WEB_DIR) : (options.defaultWebDir ?? null);
  return {
    host: e.CONCLAVE_HOST,
    port: e.CONCLAVE_PORT,
    publicUrl,
    dataDir: abs(e.CONCLAVE_DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    logLevel: e.CONCLAVE_LOG_LEVEL,
    webDir,
    trustProxy: parseTrustProxy(e.CONCLAVE_TRUST_PROXY),
    media,
  };
}

function parseTrustProxy(value: string): false | number | string[] {
  const v = value.trim().toLowerCase();
  if (['', 'false', 'no', '0'].includes(v)) return false;
  if (['true', 'yes'].includes(v)) {
    throw new ConfigError(
      'CONCLAVE_TRUST_PROXY',
      'name the proxies (addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8) or a hop count: "true" would believe an X-Forwarded-For header from anyone',
    );
  }
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 16) throw new ConfigError('CONCLAVE_TRUST_PROXY', 'a hop count must be between 1 and 16');
    return hops;
  }
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || rest.length > 0) {
      throw new ConfigError('CONCLAVE_TRUST_PROXY', `not an address or CIDR: ${entry}`);
    }
  }
  return entries;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export const sqlitePath = (config: Config) => join(config.dataDir, 'conclave.db');
