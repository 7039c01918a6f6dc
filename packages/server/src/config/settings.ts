import { DEFAULT_AUDIO_SLOTS } from '../rooms/audio-slots';
import * as kind from './kinds';
import type { ValueKind } from './kinds';

/**
 * One row per setting: its environment variable, its dotted key in the configuration file, how its
 * value is read, and its default (undefined: unset unless given). Adding a setting is one row here,
 * one field where config.ts builds Config from it, and one row in the README's table.
 */
export interface Setting<T, D extends T | undefined = T | undefined> {
  env: string;
  key: string;
  kind: ValueKind<T>;
  default: D;
}

function setting<T>(s: Setting<T, NoInfer<T>>): Setting<T, T>;
function setting<T>(s: Setting<T, undefined>): Setting<T, undefined>;
function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/** Embedded Janus servers one process may run, each on its own slice of the RTP ports. */
const MAX_EMBEDDED_SERVERS = 8;
/** The largest per-address limit an operator may set: beyond it, a limit no longer bounds anything. */
const MAX_PER_ADDRESS = 100_000;
/** SIP gateway calls at once: each is a headless browser (~200 MB, a share of a core), docs/sip.md. */
const MAX_SIP_CALLS = 16;
/** The most new SIP calls one address may start per minute: more is no longer a limit. */
const MAX_SIP_INVITES_PER_MINUTE = 10_000;

export const SETTINGS = {
  host: setting({ env: 'CONCLAVE_HOST', key: 'host', kind: kind.text, default: '127.0.0.1' }),
  port: setting({ env: 'CONCLAVE_PORT', key: 'port', kind: kind.port, default: 8080 }),
  publicUrl: setting({
    env: 'CONCLAVE_PUBLIC_URL',
    key: 'publicUrl',
    kind: kind.httpUrl,
    default: undefined,
  }),
  // Other web apps whose pages may join meetings with the SDK (docs/sdk.md); none by default.
  embedOrigins: setting({
    env: 'CONCLAVE_EMBED_ORIGINS',
    key: 'embed.origins',
    kind: kind.listOf(kind.webOrigin, 'origin'),
    default: [],
  }),
  dataDir: setting({ env: 'CONCLAVE_DATA_DIR', key: 'dataDir', kind: kind.path, default: 'data' }),
  // Both or neither (config/tls.ts): with them the server itself speaks HTTPS, without a proxy.
  tlsCert: setting({ env: 'CONCLAVE_TLS_CERT', key: 'tls.cert', kind: kind.pemFile, default: undefined }),
  tlsKey: setting({ env: 'CONCLAVE_TLS_KEY', key: 'tls.key', kind: kind.pemFile, default: undefined }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    kind: kind.postgresUrl,
    default: undefined,
  }),
  redisUrl: setting({
    env: 'CONCLAVE_REDIS_URL',
    key: 'redis.url',
    kind: kind.redisUrl,
    default: undefined,
  }),
  logLevel: setting({
    env: 'CONCLAVE_LOG_LEVEL',
    key: 'logLevel',
    kind: kind.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
  }),
  // Also a file per UTC day in <dataDir>/logs, deleted after 30 days (PRIV-RETENTION).
  logFiles: setting({ env: 'CONCLAVE_LOG_FILES', key: 'logFiles', kind: kind.flag, default: false }),
  webDir: setting({ env: 'CONCLAVE_WEB_DIR', key: 'webDir', kind: kind.path, default: undefined }),
  trustProxy: setting({
    env: 'CONCLAVE_TRUST_PROXY',
    key: 'trustProxy',
    kind: kind.proxyTrust,
    default: false,
  }),
  metricsAllow: setting({
    env: 'CONCLAVE_METRICS_ALLOW',
    key: 'metrics.allow',
    kind: kind.addressList,
    default: ['127.0.0.0/8', '::1'],
  }),
  metricsToken: setting({
    env: 'CONCLAVE_METRICS_TOKEN',
    key: 'metrics.token',
    kind: kind.secret,
    default: undefined,
  }),
  masterKey: setting({
    env: 'CONCLAVE_MASTER_KEY',
    key: 'atRest.masterKey',
    kind: kind.aesKey,
    default: undefined,
  }),
  previousMasterKeys: setting({
    env: 'CONCLAVE_MASTER_KEY_PREVIOUS',
    key: 'atRest.previousMasterKeys',
    kind: kind.aesKeys(),
    default: undefined,
  }),
  smtpUrl: setting({ env: 'CONCLAVE_SMTP_URL', key: 'mail.smtpUrl', kind: kind.smtpUrl, default: undefined }),
  mailFrom: setting({ env: 'CONCLAVE_MAIL_FROM', key: 'mail.from', kind: kind.text, default: undefined }),
  janusBinary: setting({
    env: 'CONCLAVE_JANUS_BINARY',
    key: 'media.janusBinary',
    kind: kind.text,
    default: '/usr/bin/janus',
  }),
  turn: setting({
    env: 'CONCLAVE_TURN',
    key: 'turn.mode',
    kind: kind.oneOf(['embedded', 'external', 'off']),
    default: 'embedded',
  }),
  turnHost: setting({ env: 'CONCLAVE_TURN_HOST', key: 'turn.host', kind: kind.text, default: undefined }),
  turnPort: setting({ env: 'CONCLAVE_TURN_PORT', key: 'turn.port', kind: kind.port, default: 3478 }),
  turnTlsPort: setting({ env: 'CONCLAVE_TURN_TLS_PORT', key: 'turn.tlsPort', kind: kind.port, default: 443 }),
  turnTlsCert: setting({
    env: 'CONCLAVE_TURN_TLS_CERT',
    key: 'turn.tlsCert',
    kind: kind.path,
    default: undefined,
  }),
  turnTlsKey: setting({
    env: 'CONCLAVE_TURN_TLS_KEY',
    key: 'turn.tlsKey',
    kind: kind.path,
    default: undefined,
  }),
  turnRelayPorts: setting({
    env: 'CONCLAVE_TURN_RELAY_PORTS',
    key: 'turn.relayPorts',
    kind: kind.portRange,
    default: { min: 49152, max: 65535 },
  }),
  turnAllowedPeers: setting({
    env: 'CONCLAVE_TURN_ALLOWED_PEERS',
    key: 'turn.allowedPeers',
    kind: kind.listOf(kind.ipAddress, 'IP address'),
    default: undefined,
  }),
  turnUrls: setting({
    env: 'CONCLAVE_TURN_URLS',
    key: 'turn.urls',
    kind: kind.listOf(kind.iceUrl, 'TURN URL'),
    default: undefined,
  }),
  turnSecret: setting({
    env: 'CONCLAVE_TURN_SECRET',
    key: 'turn.secret',
    kind: kind.secret,
    default: undefined,
  }),
  turnCredentialSeconds: setting({
    env: 'CONCLAVE_TURN_CREDENTIAL_SECONDS',
    key: 'turn.credentialSeconds',
    kind: kind.seconds,
    default: 3600,
  }),
  e2eeRotateSeconds: setting({
    env: 'CONCLAVE_E2EE_ROTATE_SECONDS',
    key: 'e2ee.rotateSeconds',
    kind: kind.seconds,
    default: 600,
  }),
  oneTimeUnusedSeconds: setting({
    env: 'CONCLAVE_ONE_TIME_UNUSED_SECONDS',
    key: 'meetings.oneTimeUnusedSeconds',
    kind: kind.seconds,
    default: 30 * 24 * 3600,
  }),
  callRingSeconds: setting({
    env: 'CONCLAVE_CALL_RING_SECONDS',
    key: 'calls.ringSeconds',
    kind: kind.seconds,
    default: 30,
  }),
  reconnectGraceSeconds: setting({
    env: 'CONCLAVE_RECONNECT_GRACE_SECONDS',
    key: 'meetings.reconnectGraceSeconds',
    kind: kind.seconds,
    default: 20,
  }),
  emptyGraceSeconds: setting({
    env: 'CONCLAVE_EMPTY_MEETING_GRACE_SECONDS',
    key: 'meetings.emptyGraceSeconds',
    kind: kind.seconds,
    default: 30,
  }),
  maxParticipants: setting({
    env: 'CONCLAVE_MAX_PARTICIPANTS',
    key: 'meetings.maxParticipants',
    // The roster a newcomer gets comes in one signaling message (MAX_SIGNAL_MESSAGE_BYTES).
    kind: kind.count(200),
    default: 100,
  }),
  audioSlots: setting({
    env: 'CONCLAVE_AUDIO_SLOTS',
    key: 'meetings.audioSlots',
    kind: kind.count(16),
    default: DEFAULT_AUDIO_SLOTS,
  }),
  socketsPerAddress: setting({
    env: 'CONCLAVE_SOCKETS_PER_ADDRESS',
    key: 'limits.socketsPerAddress',
    kind: kind.count(MAX_PER_ADDRESS),
    default: 100,
  }),
  guestsPerAddress: setting({
    env: 'CONCLAVE_GUESTS_PER_ADDRESS',
    key: 'limits.guestsPerAddress',
    kind: kind.count(MAX_PER_ADDRESS),
    default: 120,
  }),
  apiKeyRequestsPerMinute: setting({
    env: 'CONCLAVE_API_KEY_REQUESTS_PER_MINUTE',
    key: 'limits.apiKeyRequestsPerMinute',
    kind: kind.count(MAX_PER_ADDRESS),
    default: 300,
  }),
  janusWsPort: setting({
    env: 'CONCLAVE_JANUS_WS_PORT',
    key: 'media.janusWsPort',
    kind: kind.port,
    default: 0,
  }),
  rtpPorts: setting({
    env: 'CONCLAVE_RTP_PORTS',
    key: 'media.rtpPorts',
    kind: kind.portRange,
    default: { min: 20000, max: 40000 },
  }),
  mediaServers: setting({
    env: 'CONCLAVE_MEDIA_SERVERS',
    key: 'media.servers',
    kind: kind.count(MAX_EMBEDDED_SERVERS),
    default: 1,
  }),
  mediaRegion: setting({
    env: 'CONCLAVE_MEDIA_REGION',
    key: 'media.region',
    kind: kind.region,
    default: 'default',
  }),
  mediaRegions: setting({
    env: 'CONCLAVE_MEDIA_REGIONS',
    key: 'media.regions',
    kind: kind.regionList(MAX_EMBEDDED_SERVERS),
    default: undefined,
  }),
  mediaCapacity: setting({
    env: 'CONCLAVE_MEDIA_CAPACITY',
    key: 'media.capacity',
    kind: kind.capacity,
    default: 200,
  }),
  regionProbes: setting({
    env: 'CONCLAVE_REGION_PROBES',
    key: 'media.regionProbes',
    kind: kind.regionUrls,
    default: undefined,
  }),
  mediaInterface: setting({
    env: 'CONCLAVE_MEDIA_INTERFACE',
    key: 'media.interface',
    kind: kind.text,
    default: undefined,
  }),
  mediaPublicIp: setting({
    env: 'CONCLAVE_MEDIA_PUBLIC_IP',
    key: 'media.publicIp',
    kind: kind.publicIpv4,
    default: undefined,
  }),
  janusUrls: setting({
    env: 'CONCLAVE_JANUS_URLS',
    key: 'media.janusUrls',
    kind: kind.listOf(kind.wsUrl, 'ws:// or wss:// URL'),
    default: undefined,
  }),
  // Recording and live streaming (REC-START, REC-STORE): the recorder's browser and ffmpeg, from
  // Debian; where recordings are sealed, a store per media region (default: under dataDir).
  recorderBrowser: setting({
    env: 'CONCLAVE_RECORDER_BROWSER',
    key: 'recording.browser',
    kind: kind.path,
    default: '/usr/bin/chromium',
  }),
  ffmpeg: setting({
    env: 'CONCLAVE_FFMPEG',
    key: 'recording.ffmpeg',
    kind: kind.path,
    default: '/usr/bin/ffmpeg',
  }),
  recordingStores: setting({
    env: 'CONCLAVE_RECORDING_STORES',
    key: 'recording.stores',
    kind: kind.json,
    default: undefined,
  }),
  janusServers: setting({
    env: 'CONCLAVE_JANUS_SERVERS',
    key: 'media.janusServers',
    kind: kind.janusServers,
    default: undefined,
  }),
  janusApiSecret: setting({
    env: 'CONCLAVE_JANUS_API_SECRET',
    key: 'media.janusApiSecret',
    kind: kind.secret,
    default: undefined,
  }),
  // The SIP gateway (INTEROP-SIP, INTEROP-PSTN, docs/sip.md): off unless asked for.
  sip: setting({
    env: 'CONCLAVE_SIP',
    key: 'sip.mode',
    kind: kind.oneOf(['off', 'embedded']),
    default: 'off',
  }),
  sipDomain: setting({ env: 'CONCLAVE_SIP_DOMAIN', key: 'sip.domain', kind: kind.text, default: undefined }),
  sipTlsPort: setting({ env: 'CONCLAVE_SIP_TLS_PORT', key: 'sip.tlsPort', kind: kind.port, default: 5061 }),
  sipTlsCert: setting({
    env: 'CONCLAVE_SIP_TLS_CERT',
    key: 'sip.tlsCert',
    kind: kind.pemFile,
    default: undefined,
  }),
  sipTlsKey: setting({
    env: 'CONCLAVE_SIP_TLS_KEY',
    key: 'sip.tlsKey',
    kind: kind.pemFile,
    default: undefined,
  }),
  sipMaxCalls: setting({
    env: 'CONCLAVE_SIP_MAX_CALLS',
    key: 'sip.maxCalls',
    kind: kind.count(MAX_SIP_CALLS),
    default: 4,
  }),
  sipRtpPorts: setting({
    env: 'CONCLAVE_SIP_RTP_PORTS',
    key: 'sip.rtpPorts',
    kind: kind.portRange,
    default: { min: 41000, max: 41999 },
  }),
  // New calls (INVITEs) one source address may start per minute before Kamailio answers 503; trunks are exempt.
  sipInvitesPerMinute: setting({
    env: 'CONCLAVE_SIP_INVITES_PER_MINUTE',
    key: 'sip.invitesPerMinute',
    kind: kind.count(MAX_SIP_INVITES_PER_MINUTE),
    default: 20,
  }),
  // Telephone carriers (INTEROP-PSTN): who may send calls from where, and the numbers they bring.
  sipTrunks: setting({ env: 'CONCLAVE_SIP_TRUNKS', key: 'sip.trunks', kind: kind.sipTrunks, default: [] }),
  // Plain SIP over UDP, listened on only for trunks configured with `"transport": "udp"`.
  sipUdpPort: setting({ env: 'CONCLAVE_SIP_UDP_PORT', key: 'sip.udpPort', kind: kind.port, default: 5060 }),
};

export type SettingName = keyof typeof SETTINGS;

/** The value each setting resolves to: its kind's type, or undefined when it has no default. */
export type SettingValues = {
  [N in SettingName]: (typeof SETTINGS)[N] extends Setting<infer T, infer D>
    ? undefined extends D
      ? T | undefined
      : T
    : never;
};
