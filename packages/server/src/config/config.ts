import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './errors';
import { readConfigFile, type ConfigFile } from './file';
import { mediaConfig, type MediaConfig } from './media';
import { SETTINGS, type Setting, type SettingName, type SettingValues } from './settings';
import { sipConfig, type SipConfig } from './sip';
import { tlsCredentials, type TlsCredentials } from './tls';
import { turnConfig, type TurnConfig } from './turn';
import { parseRecordingStores, type RecordingStores } from '../recording/storage/config';

/**
 * Every setting comes from an environment variable or the optional configuration file (the
 * environment wins), is validated here at start, and a wrong value stops the process with a message
 * naming the setting and where it came from. settings.ts lists them; the README documents them.
 */
export interface Config {
  host: string;
  port: number;
  /**
   * The certificate and key to serve HTTPS (and signaling over wss) with on that port, or null for
   * plain http (behind a proxy that speaks HTTPS, or on this machine only).
   */
  tls: TlsCredentials | null;
  /** Where users reach the service; builds join links and decides Secure cookies. */
  publicUrl: string;
  /**
   * Origins of other web apps whose pages may open the signaling socket, to join with the SDK and a
   * guest token only (docs/sdk.md); none by default.
   */
  embedOrigins: string[];
  dataDir: string;
  /** PostgreSQL URL, or null for the embedded SQLite file in dataDir. */
  databaseUrl: string | null;
  /**
   * Redis shared by the control-plane nodes (NET-SCALE): rate limits live there, so they hold across
   * nodes. Null keeps them in this process (one node: the embedded default).
   */
  redis: { url: string | null };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Besides stdout, write the logs to a file per UTC day in `<dataDir>/logs` (mode 0600), each deleted
   * 30 days after its day (PRIV-RETENTION).
   */
  logFiles: boolean;
  /** Folder with the built web app; null serves the API only. */
  webDir: string | null;
  /**
   * Which reverse proxies' X-Forwarded-For to believe: none (false), the proxies' addresses or CIDRs,
   * or a number of hops. Never "everyone" (see kinds.proxyTrust).
   */
  trustProxy: false | number | string[];
  /**
   * Outgoing mail (password reset links): the SMTP server, or null when there is none, and the From
   * header (default: noreply at the public URL's host).
   */
  mail: { smtpUrl: string | null; from: string };
  /**
   * The master key that wraps each organisation's data key (CHAT-AT-REST), null for the one made in
   * dataDir; and earlier master keys, accepted until their data keys are re-wrapped at start.
   */
  atRest: { masterKey: string | null; previousMasterKeys: string[] };
  /** Who may read GET /metrics: client addresses/CIDRs, and anyone sending this bearer token. */
  metrics: { allow: string[]; token: string | null };
  /** End-to-end encrypted meetings: a key update at least this often (0: only when people join or leave). */
  e2ee: { rotateSeconds: number };
  /** A one-time meeting nobody joined is deleted this long after it was made. */
  /**
   * `reconnectGraceSeconds`: how long a participant whose connection dropped keeps its seat for its
   * client to come back (MEET-RECONNECT; 0: it leaves at once). `maxParticipants`: the most one
   * meeting holds (its Janus room takes as many publishers). `audioSlots`: the most microphones one
   * participant receives, the latest speakers' when more are unmuted (MEET-QUALITY). `emptyGraceSeconds`:
   * how long a meeting's room stays after its last participant left before the meeting is over (a
   * one-time meeting then deleted): someone may be rejoining.
   */
  meetings: {
    oneTimeUnusedSeconds: number;
    reconnectGraceSeconds: number;
    emptyGraceSeconds: number;
    maxParticipants: number;
    audioSlots: number;
  };
  /** How long a call rings before it is missed (MEET-CALL). */
  calls: { ringSeconds: number };
  /**
   * What one client address may hold: open signaling sockets, and guest tokens per 10 minutes. People
   * behind one NAT or proxy share an address, so a large meeting from one office needs them raised.
   */
  /** `apiKeyRequestsPerMinute`: requests one API key may make per minute (docs/api.md). */
  limits: { socketsPerAddress: number; guestsPerAddress: number; apiKeyRequestsPerMinute: number };
  media: MediaConfig;
  turn: TurnConfig;
  /**
   * Recording (REC-START, REC-STORE): the recorder's browser and ffmpeg (recording is unavailable
   * where either is missing), and the sealed stores, one per media region or `default`.
   */
  recording: { browser: string; ffmpeg: string; stores: RecordingStores };
  /** The SIP gateway (INTEROP-SIP, INTEROP-PSTN), off by default. */
  sip: SipConfig;
  /** The configuration file that was read, or null when every setting came from elsewhere. */
  configFile: string | null;
}

/** Names the file to read instead of the default one. */
const CONFIG_FILE_VARIABLE = 'CONCLAVE_CONFIG';

export interface LoadConfigOptions {
  /** Resolves relative paths given in the environment; defaults to the process's working directory. */
  cwd?: string;
  /** Default web folder when no setting names one. */
  defaultWebDir?: string | null;
  /**
   * The file read when CONCLAVE_CONFIG is unset, if it exists (the server passes DEFAULT_CONFIG_FILE).
   * Unset here, only CONCLAVE_CONFIG names a file, so tests do not pick up the machine's configuration.
   */
  defaultConfigFile?: string | null;
}

type Origin = { from: 'environment' } | { from: 'file'; file: ConfigFile } | { from: 'default' };

export function loadConfig(source: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(source, cwd, options.defaultConfigFile ?? null);
  const { values: v, origins } = resolveSettings(source, file, cwd);

  const media = mediaConfig(
    v,
    (name) => origins[name].from !== 'default',
    (name) => describe(name, origins[name]),
    (name) => describeUnset(name, file),
  );
  const turn = turnConfig(
    v,
    (name) => origins[name].from !== 'default',
    (name) => describe(name, origins[name]),
    (name) => describeUnset(name, file),
    media.mode === 'embedded' ? media.rtpPortRange : null,
  );

  const tls = tlsCredentials(
    v,
    (name) => describe(name, origins[name]),
    (name) => describeUnset(name, file),
  );
  const scheme = tls ? 'https' : 'http';
  const publicUrl = (v.publicUrl ?? `${scheme}://${hostForUrl(v.host)}:${v.port}`).replace(/\/+$/, '');
  const sip = sipConfig(
    v,
    (name) => origins[name].from !== 'default',
    (name) => describe(name, origins[name]),
    (name) => describeUnset(name, file),
    {
      publicUrl,
      https: tls,
      taken: [
        ...(media.mode === 'embedded'
          ? [{ what: "the media servers' RTP ports", ports: media.rtpPortRange }]
          : []),
        ...(turn.mode === 'embedded' ? [{ what: "the TURN relay's ports", ports: turn.relayPorts }] : []),
      ],
    },
  );
  return {
    host: v.host,
    port: v.port,
    tls,
    publicUrl,
    embedOrigins: v.embedOrigins,
    dataDir: v.dataDir,
    databaseUrl: v.databaseUrl ?? null,
    redis: { url: v.redisUrl ?? null },
    logLevel: v.logLevel,
    logFiles: v.logFiles,
    webDir: v.webDir ?? options.defaultWebDir ?? null,
    trustProxy: v.trustProxy,
    mail: {
      smtpUrl: v.smtpUrl ?? null,
      from: v.mailFrom ?? `Conclave <noreply@${new URL(publicUrl).hostname}>`,
    },
    metrics: { allow: v.metricsAllow, token: v.metricsToken ?? null },
    atRest: { masterKey: v.masterKey ?? null, previousMasterKeys: v.previousMasterKeys ?? [] },
    e2ee: { rotateSeconds: v.e2eeRotateSeconds },
    meetings: {
      oneTimeUnusedSeconds: v.oneTimeUnusedSeconds,
      reconnectGraceSeconds: v.reconnectGraceSeconds,
      emptyGraceSeconds: v.emptyGraceSeconds,
      maxParticipants: v.maxParticipants,
      audioSlots: v.audioSlots,
    },
    calls: { ringSeconds: v.callRingSeconds },
    limits: {
      socketsPerAddress: v.socketsPerAddress,
      guestsPerAddress: v.guestsPerAddress,
      apiKeyRequestsPerMinute: v.apiKeyRequestsPerMinute,
    },
    media,
    turn,
    recording: {
      browser: v.recorderBrowser,
      ffmpeg: v.ffmpeg,
      stores:
        v.recordingStores === undefined
          ? { default: { kind: 'local', folder: join(v.dataDir, 'recordings') } }
          : parseRecordingStores(
              v.recordingStores,
              describe('recordingStores', origins.recordingStores),
              origins.recordingStores.from === 'file' ? dirname(origins.recordingStores.file.path) : cwd,
            ),
    },
    sip,
    configFile: file?.path ?? null,
  };
}

function findConfigFile(
  source: NodeJS.ProcessEnv,
  cwd: string,
  defaultFile: string | null,
): ConfigFile | null {
  const keys = Object.values(SETTINGS).map((s) => s.key);
  const named = source[CONFIG_FILE_VARIABLE];
  if (named === undefined) return defaultFile ? readConfigFile(defaultFile, keys) : null;
  const path = resolve(cwd, named);
  const file = readConfigFile(path, keys);
  if (!file) throw new ConfigError(`${CONFIG_FILE_VARIABLE} (environment)`, `${path} does not exist`);
  return file;
}

/** Each setting from the environment, else the file, else its default; validated by its kind. */
function resolveSettings(
  source: NodeJS.ProcessEnv,
  file: ConfigFile | null,
  cwd: string,
): { values: SettingValues; origins: Record<SettingName, Origin> } {
  const values: Record<string, unknown> = {};
  const origins = {} as Record<SettingName, Origin>;
  for (const [name, setting] of Object.entries(SETTINGS) as Array<[SettingName, Setting<unknown>]>) {
    const text = source[setting.env];
    let origin: Origin;
    let value: unknown;
    if (text !== undefined) {
      origin = { from: 'environment' };
      value = validate(setting, setting.kind.fromEnv, text, origin);
      value = setting.kind.resolve?.(value, cwd) ?? value;
    } else if (file?.values.has(setting.key)) {
      origin = { from: 'file', file };
      value = validate(setting, setting.kind.fromFile, file.values.get(setting.key), origin);
      value = setting.kind.resolve?.(value, dirname(file.path)) ?? value;
    } else {
      origin = { from: 'default' };
      value =
        setting.default === undefined
          ? undefined
          : (setting.kind.resolve?.(setting.default, cwd) ?? setting.default);
    }
    values[name] = value;
    origins[name] = origin;
  }
  return { values: values as SettingValues, origins };
}

function validate(setting: Setting<unknown>, schema: z.ZodType, input: unknown, origin: Origin): unknown {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(
    describeSetting(setting, origin),
    `${pathOf(issue?.path ?? [])}${issue?.message ?? 'is not valid'}`,
  );
}

/**
 * Where in a structured value the problem is (`[1].region: `), for values with named fields; a plain
 * list's item errors already quote the item.
 */
function pathOf(path: readonly PropertyKey[]): string {
  if (!path.some((p) => typeof p === 'string')) return '';
  const text = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${text.replace(/^\./, '')}: `;
}

function describe(name: SettingName, origin: Origin): string {
  return describeSetting(SETTINGS[name] as Setting<unknown>, origin);
}

function describeSetting(setting: Setting<unknown>, origin: Origin): string {
  return origin.from === 'file' ? `${origin.file.path}: ${setting.key}` : `${setting.env} (environment)`;
}

/** A required setting that is missing could be given in either place; name both. */
function describeUnset(name: SettingName, file: ConfigFile | null): string {
  const s = SETTINGS[name];
  return `${s.env} (environment) or ${s.key} (${file ? file.path : 'configuration file'})`;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export const sqlitePath = (config: Config) => join(config.dataDir, 'conclave.db');
