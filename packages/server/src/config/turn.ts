import { ConfigError } from './errors';
import type { Describe } from './media';
import type { SettingName, SettingValues } from './settings';

/**
 * The TURN relays browsers are given (NET-TURN): the coturn Conclave runs itself, the operator's
 * (by URL, sharing the secret credentials are signed with), or none.
 */
export type TurnConfig =
  | { mode: 'off' }
  | {
      mode: 'embedded';
      /** The host name browsers reach it at; null: the public URL's, or the media address. */
      host: string | null;
      /** UDP and TCP. */
      port: number;
      /** TURN over TLS, only with a certificate. */
      tls: { port: number; certFile: string; keyFile: string } | null;
      relayPorts: { min: number; max: number };
      /** Media servers elsewhere the relay may relay to, besides this machine's. */
      allowedPeers: string[];
      credentialSeconds: number;
    }
  | { mode: 'external'; urls: string[]; secret: string; credentialSeconds: number };

const EMBEDDED_ONLY: readonly SettingName[] = [
  'turnHost',
  'turnPort',
  'turnTlsPort',
  'turnTlsCert',
  'turnTlsKey',
  'turnRelayPorts',
  'turnAllowedPeers',
];

export function turnConfig(
  v: SettingValues,
  given: (name: SettingName) => boolean,
  describe: Describe,
  describeUnset: Describe,
  rtpPorts: { min: number; max: number } | null,
): TurnConfig {
  const credentialSeconds = v.turnCredentialSeconds;
  if (credentialSeconds < 60) {
    throw new ConfigError(describe('turnCredentialSeconds'), 'must be at least 60 seconds');
  }
  if (v.turn !== 'external') {
    for (const name of ['turnUrls', 'turnSecret'] as const) {
      if (given(name)) throw new ConfigError(describe(name), `is for ${describe('turn')} external only`);
    }
  }
  if (v.turn === 'off') return { mode: 'off' };
  if (v.turn === 'external') {
    for (const name of EMBEDDED_ONLY) {
      if (given(name)) throw new ConfigError(describe(name), 'is for the embedded TURN server only');
    }
    if (!v.turnUrls)
      throw new ConfigError(describeUnset('turnUrls'), 'is required with an external TURN server');
    if (!v.turnSecret) {
      throw new ConfigError(describeUnset('turnSecret'), 'is required with an external TURN server');
    }
    return { mode: 'external', urls: v.turnUrls, secret: v.turnSecret, credentialSeconds };
  }
  if ((v.turnTlsCert === undefined) !== (v.turnTlsKey === undefined)) {
    const missing = v.turnTlsCert === undefined ? 'turnTlsCert' : 'turnTlsKey';
    const present = missing === 'turnTlsCert' ? 'turnTlsKey' : 'turnTlsCert';
    throw new ConfigError(describeUnset(missing), `is required when ${describe(present)} is set`);
  }
  const relayPorts = v.turnRelayPorts;
  if (rtpPorts && relayPorts.min <= rtpPorts.max && rtpPorts.min <= relayPorts.max) {
    throw new ConfigError(
      describe('turnRelayPorts'),
      `overlaps the media servers' RTP ports (${rtpPorts.min}-${rtpPorts.max})`,
    );
  }
  return {
    mode: 'embedded',
    host: v.turnHost ?? null,
    port: v.turnPort,
    tls:
      v.turnTlsCert && v.turnTlsKey
        ? { port: v.turnTlsPort, certFile: v.turnTlsCert, keyFile: v.turnTlsKey }
        : null,
    relayPorts,
    allowedPeers: v.turnAllowedPeers ?? [],
    credentialSeconds,
  };
}
