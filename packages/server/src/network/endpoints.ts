import type { NetworkEndpoint } from '@conclave/protocol';
import type { MediaConfig } from '../config/media';
import { mediaAddress } from '../turn/media-address';

/** What the endpoints are made from: the running configuration. */
export interface EndpointSources {
  publicUrl: string;
  media: MediaConfig;
  /** The TURN URLs participants are given (none without TURN). */
  relayUrls: readonly string[];
}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80 };

/**
 * Every host name, port and protocol a browser connects to (NET-FQDN), so that a firewall that lets
 * only listed destinations out can be opened for exactly these: the web app with its API and
 * signaling, the region probes, the relays, and the embedded media servers. All of them outbound:
 * nothing ever connects to a browser.
 */
export function networkEndpoints({ publicUrl, media, relayUrls }: EndpointSources): NetworkEndpoint[] {
  const out: NetworkEndpoint[] = [];
  const add = (e: NetworkEndpoint) => {
    if (!out.some((o) => o.host === e.host && o.ports === e.ports && o.protocol === e.protocol)) out.push(e);
  };
  const web = new URL(publicUrl);
  add({ purpose: 'web', host: web.hostname, ports: portOf(web), protocol: 'tcp' });
  for (const probe of Object.values(media.regionProbes)) {
    const url = new URL(probe);
    add({ purpose: 'region-probe', host: url.hostname, ports: portOf(url), protocol: 'tcp' });
  }
  for (const relay of relayUrls) {
    const parsed = parseIceUrl(relay);
    if (parsed) add({ purpose: 'relay', ...parsed });
  }
  if (media.mode === 'embedded') {
    const host = media.publicIp ?? mediaAddress(media.iceInterfaces);
    const { min, max } = media.rtpPortRange;
    if (host) add({ purpose: 'media', host, ports: `${min}-${max}`, protocol: 'udp' });
  }
  return out;
}

function portOf(url: URL): string {
  return url.port || String(DEFAULT_PORTS[url.protocol] ?? '');
}

/** `turn:host:port?transport=udp` → host, port and what carries it; stun: is UDP, turns: is TLS. */
function parseIceUrl(url: string): Pick<NetworkEndpoint, 'host' | 'ports' | 'protocol'> | null {
  const m = /^(turns?|stuns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!m) return null;
  const [, scheme, host, port, transport] = m as unknown as [string, string, string, string?, string?];
  const secure = scheme.endsWith('s');
  const protocol = secure ? 'tls' : scheme === 'stun' ? 'udp' : ((transport ?? 'udp') as 'udp' | 'tcp');
  return { host: host.replace(/^\[|\]$/g, ''), ports: port ?? (secure ? '5349' : '3478'), protocol };
}
