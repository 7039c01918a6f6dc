import type { IceServerInfo } from '@conclave/protocol';
import type { Config } from '../config';
import type { IceConfig } from '../rooms';
import type { MediaLogger } from '../media/logger';
import type { MediaStatus } from '../media/status';
import { newTurnSecret } from './coturn-config';
import { turnCredential } from './credentials';
import { EmbeddedTurn } from './embedded-turn';
import { mediaAddress } from './media-address';

/** Who a credential is for: one participant of one meeting. */
export interface TurnHolder {
  meetingId: string;
  participant: string;
}

/** Host names that browsers elsewhere cannot reach the relay at. */
const LOCAL_HOST = /^(localhost|127\.|\[?::1\]?$)/;

/**
 * The TURN relays of this deployment (NET-TURN): what each joining participant is given (the URLs
 * and a credential of its own that expires), and the embedded coturn when Conclave runs it.
 */
export class TurnRelays {
  private constructor(
    readonly urls: readonly string[],
    private readonly secret: string | null,
    private readonly credentialSeconds: number,
    readonly embedded: EmbeddedTurn | null,
  ) {}

  static fromConfig(config: Pick<Config, 'turn' | 'media' | 'publicUrl'>, logger: MediaLogger): TurnRelays {
    const { turn } = config;
    if (turn.mode === 'off') return new TurnRelays([], null, 0, null);
    if (turn.mode === 'external') return new TurnRelays(turn.urls, turn.secret, turn.credentialSeconds, null);
    const { iceInterfaces, publicIp } =
      config.media.mode === 'embedded' ? config.media : { iceInterfaces: null, publicIp: null };
    const relayIp = mediaAddress(iceInterfaces);
    if (!relayIp) {
      logger.error('no TURN relay: this machine has no non-loopback IPv4 address to relay media on');
      return new TurnRelays([], null, 0, null);
    }
    const publicHost = new URL(config.publicUrl).hostname;
    const host = turn.host ?? (LOCAL_HOST.test(publicHost) ? (publicIp ?? relayIp) : publicHost);
    const urls = [
      `stun:${host}:${turn.port}`,
      `turn:${host}:${turn.port}?transport=udp`,
      `turn:${host}:${turn.port}?transport=tcp`,
      ...(turn.tls ? [`turns:${host}:${turn.tls.port}?transport=tcp`] : []),
    ];
    if (config.media.mode === 'external' && turn.allowedPeers.length === 0) {
      logger.warn(
        'the embedded TURN relay reaches only this machine, not the external media servers: a browser that needs the relay gets no media until CONCLAVE_TURN_ALLOWED_PEERS names their addresses',
      );
    }
    const secret = newTurnSecret();
    const embedded = new EmbeddedTurn({
      binary: '/usr/bin/turnserver',
      port: turn.port,
      tls: turn.tls,
      relayIp,
      relayPorts: turn.relayPorts,
      // The embedded media servers listen on the relay's own address; nothing else is reachable.
      // Behind a 1:1 NAT they announce the public address too, but the relay reaches them at the
      // private one: through the public one its packets would have to loop out through the NAT and
      // back. For the same reason the relayed addresses stay private (no coturn `external-ip`): only
      // those media servers ever send to them.
      allowedPeers: [...new Set([relayIp, ...turn.allowedPeers])],
      realm: host,
      secret,
      logger,
    });
    return new TurnRelays(urls, secret, turn.credentialSeconds, embedded);
  }

  /** The ICE servers for one participant: none without TURN. */
  iceServers(holder: TurnHolder, nowMs = Date.now()): IceServerInfo[] {
    if (!this.secret || this.urls.length === 0) return [];
    const { username, credential } = turnCredential(this.secret, holder, this.credentialSeconds, nowMs);
    return [{ urls: [...this.urls], username, credential }];
  }

  /**
   * How one participant connects: with its organisation's `relayOnly`, only through the relays, as
   * long as there are relays (else the setting would leave nobody any path, and it is ignored).
   */
  ice(holder: TurnHolder, relayOnly: boolean): IceConfig {
    const iceServers = this.iceServers(holder);
    const relays = iceServers.some((s) => s.urls.some((url) => url.startsWith('turn')));
    return { iceServers, ...(relayOnly && relays && { iceTransportPolicy: 'relay' as const }) };
  }

  status(): MediaStatus | 'off' {
    return this.embedded?.status() ?? 'off';
  }

  async start(): Promise<void> {
    await this.embedded?.start();
  }

  async stop(): Promise<void> {
    await this.embedded?.stop();
  }
}
