import { ConfigError } from './errors';
import type { SipTrunkSetting } from './kinds';
import type { Describe } from './media';
import type { SettingName, SettingValues } from './settings';
import type { TlsCredentials } from './tls';

type PortRange = { min: number; max: number };

/**
 * The SIP gateway (INTEROP-SIP, INTEROP-PSTN, docs/sip.md): off, or run here (Kamailio as the SIP
 * front door over TLS, and a Janus of its own holding the calls with its SIP plugin).
 */
export type SipConfig =
  | { mode: 'off' }
  | {
      mode: 'embedded';
      /** The domain endpoints dial: `sip:<extension>@<domain>`. */
      domain: string;
      /** SIP over TLS only: plain SIP would carry the SRTP keys in clear. */
      tls: { port: number; certFile: string; keyFile: string };
      /** Calls at once; the next caller hears 486 Busy Here. Each call is one headless browser. */
      maxCalls: number;
      /** The gateway's own UDP ports: the first half for its WebRTC side, the second for SIP's RTP. */
      webrtcPorts: PortRange;
      sipRtpPorts: PortRange;
      /** New calls one source address may start per minute (trunks exempt); the next get 503. */
      invitesPerMinute: number;
      /** Telephone carriers (INTEROP-PSTN): calls from their addresses are phone calls. */
      trunks: SipTrunkSetting[];
      /** Plain SIP/UDP for trunks configured `udp`; null when none is (nothing listens then). */
      udpPort: number | null;
    };

const EMBEDDED_ONLY: readonly SettingName[] = [
  'sipDomain',
  'sipTlsPort',
  'sipTlsCert',
  'sipTlsKey',
  'sipMaxCalls',
  'sipRtpPorts',
  'sipInvitesPerMinute',
  'sipTrunks',
  'sipUdpPort',
];

/** UDP ports one call may hold: audio and video RTP and RTCP towards the caller, and the browser's. */
const PORTS_PER_CALL = 8;

export function sipConfig(
  v: SettingValues,
  given: (name: SettingName) => boolean,
  describe: Describe,
  describeUnset: Describe,
  context: {
    publicUrl: string;
    /** The server's HTTPS certificate, the SIP domain's by default. */
    https: TlsCredentials | null;
    /** UDP ranges the gateway's ports must stay out of, by what holds them. */
    taken: Array<{ what: string; ports: PortRange }>;
  },
): SipConfig {
  if (v.sip === 'off') {
    for (const name of EMBEDDED_ONLY) {
      if (given(name)) throw new ConfigError(describe(name), `is for ${describe('sip')} embedded only`);
    }
    return { mode: 'off' };
  }
  if ((v.sipTlsCert === undefined) !== (v.sipTlsKey === undefined)) {
    const [missing, present] =
      v.sipTlsCert === undefined
        ? (['sipTlsCert', 'sipTlsKey'] as const)
        : (['sipTlsKey', 'sipTlsCert'] as const);
    throw new ConfigError(describeUnset(missing), `is required when ${describe(present)} is set`);
  }
  const certFile = v.sipTlsCert ?? context.https?.certFile;
  const keyFile = v.sipTlsKey ?? context.https?.keyFile;
  if (!certFile || !keyFile) {
    throw new ConfigError(
      describeUnset('sipTlsCert'),
      `is required with ${describe('sip')} embedded when the server has no HTTPS certificate: endpoints reach the gateway over TLS only`,
    );
  }
  const ports = v.sipRtpPorts;
  if (ports.max - ports.min + 1 < PORTS_PER_CALL * v.sipMaxCalls) {
    throw new ConfigError(
      describe('sipRtpPorts'),
      `holds ${ports.max - ports.min + 1} ports; ${v.sipMaxCalls} calls at once need at least ${PORTS_PER_CALL * v.sipMaxCalls}`,
    );
  }
  for (const { what, ports: other } of context.taken) {
    if (ports.min <= other.max && other.min <= ports.max) {
      throw new ConfigError(describe('sipRtpPorts'), `overlaps ${what} (${other.min}-${other.max})`);
    }
  }
  const udpTrunks = v.sipTrunks.filter((t) => t.transport === 'udp');
  if (given('sipUdpPort') && udpTrunks.length === 0) {
    throw new ConfigError(
      describe('sipUdpPort'),
      `is for trunks with "transport": "udp" only (${describe('sipTrunks')})`,
    );
  }
  const half = ports.min + Math.floor((ports.max - ports.min + 1) / 2);
  return {
    mode: 'embedded',
    domain: v.sipDomain ?? new URL(context.publicUrl).hostname,
    tls: { port: v.sipTlsPort, certFile, keyFile },
    maxCalls: v.sipMaxCalls,
    webrtcPorts: { min: ports.min, max: half - 1 },
    sipRtpPorts: { min: half, max: ports.max },
    invitesPerMinute: v.sipInvitesPerMinute,
    trunks: v.sipTrunks,
    udpPort: udpTrunks.length > 0 ? v.sipUdpPort : null,
  };
}
