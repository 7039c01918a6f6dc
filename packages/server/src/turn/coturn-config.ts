import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DENIED_PEER_RANGES, RELAYS_PER_CREDENTIAL } from './peer-ranges';

export interface CoturnConfigOptions {
  /** UDP and TCP. */
  port: number;
  /** TLS, with the certificate; none without one. */
  tls: { port: number; certFile: string; keyFile: string } | null;
  /** The address relays are made on: the media interface's (never loopback: browsers drop it). */
  relayIp: string;
  relayPorts: { min: number; max: number };
  /** Peers a relay may reach although their range is denied: the media servers. */
  allowedPeers: readonly string[];
  realm: string;
  /** The secret credentials are signed with (`use-auth-secret`). */
  secret: string;
  /** Where the config folder is made; the system temp folder by default. */
  parentDir?: string;
}

/** A generated configuration folder. Delete it with `removeCoturnConfig`. */
export interface GeneratedCoturnConfig {
  dir: string;
  file: string;
  options: CoturnConfigOptions;
}

/** A random shared secret for one control plane's embedded coturn. */
export function newTurnSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The turnserver.conf lines for these options. */
function coturnConfigLines(options: CoturnConfigOptions, dir: string): string[] {
  const { tls } = options;
  return [
    `listening-port=${options.port}`,
    ...(tls
      ? [
          `tls-listening-port=${tls.port}`,
          `cert=${tls.certFile}`,
          `pkey=${tls.keyFile}`,
          'no-tlsv1',
          'no-tlsv1_1',
        ]
      : ['no-tls']),
    // TURN over DTLS is not offered by browsers.
    'no-dtls',
    `relay-ip=${options.relayIp}`,
    `min-port=${options.relayPorts.min}`,
    `max-port=${options.relayPorts.max}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    `realm=${options.realm}`,
    'fingerprint',
    'no-multicast-peers',
    `user-quota=${RELAYS_PER_CREDENTIAL}`,
    ...DENIED_PEER_RANGES.map((range) => `denied-peer-ip=${range}`),
    ...options.allowedPeers.map((ip) => `allowed-peer-ip=${ip}`),
    // Its own files stay in its folder: no database, pid file or log under /var.
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    'no-cli',
    'no-software-attribute',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'response-origin-only-with-rfc5780',
  ];
}

export async function writeCoturnConfig(options: CoturnConfigOptions): Promise<GeneratedCoturnConfig> {
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), 'conclave-coturn-'));
  const file = join(dir, 'turnserver.conf');
  await writeFile(file, coturnConfigLines(options, dir).join('\n') + '\n', { mode: 0o600 });
  return { dir, file, options };
}

export async function removeCoturnConfig(config: Pick<GeneratedCoturnConfig, 'dir'>): Promise<void> {
  await rm(config.dir, { recursive: true, force: true });
}
