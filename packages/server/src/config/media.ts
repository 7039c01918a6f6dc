import { ConfigError } from './errors';
import type { SettingName, SettingValues } from './settings';

/** One media server's place: its region label and how many participants it is given (NET-REGIONS). */
export interface MediaServerPlace {
  region: string;
  capacity: number;
}

/** Which media servers run: the embedded ones, or the operator's. */
type MediaServers =
  | {
      mode: 'embedded';
      /** One entry per Janus to run; each gets a slice of the RTP port range, in this order. */
      servers: MediaServerPlace[];
      janusBinary: string;
      /** Loopback port of the generated Janus WebSocket transport; 0 picks a free one. */
      janusWsPort: number;
      rtpPortRange: { min: number; max: number };
      /** Interfaces ICE may gather on (Janus ice_enforce_list); null lets Janus choose. */
      iceInterfaces: string | null;
      /**
       * The public address a 1:1 NAT maps this machine's to (a cloud machine's interface holds only a
       * private one): the media servers announce it as well as their own.
       */
      publicIp: string | null;
    }
  | {
      mode: 'external';
      /** Janus instances run by the operator, by WebSocket URL. */
      servers: Array<MediaServerPlace & { url: string }>;
      apiSecret: string;
    };

export type MediaConfig = MediaServers & {
  /** Where browsers time a region, for the regions that have their own address; others use this server's. */
  regionProbes: Record<string, string>;
};

/** Names a setting as the operator gave it: its variable or its file key, whichever was used. */
export type Describe = (name: SettingName) => string;

/**
 * The media servers from the media settings, refusing combinations that contradict each other (so a
 * setting that would be ignored never silently is). `given` says whether a setting was set at all.
 */
export function mediaConfig(
  v: SettingValues,
  given: (name: SettingName) => boolean,
  describe: Describe,
  describeUnset: Describe,
): MediaConfig {
  const place = (region?: string, capacity?: number) => ({
    region: region ?? v.mediaRegion,
    capacity: capacity ?? v.mediaCapacity,
  });
  const media = ((): MediaServers => {
    if (v.janusUrls || v.janusServers) {
      if (v.janusUrls && v.janusServers) {
        throw new ConfigError(describe('janusServers'), `set it or ${describe('janusUrls')}, not both`);
      }
      if (v.mediaPublicIp) {
        throw new ConfigError(
          describe('mediaPublicIp'),
          'is for the embedded media servers; give your own Janus its nat_1_1_mapping instead',
        );
      }
      if (v.mediaRegions) {
        throw new ConfigError(
          describe('mediaRegions'),
          `names the regions of embedded media servers; give each of ${describe(v.janusUrls ? 'janusUrls' : 'janusServers')} its region instead`,
        );
      }
      if (!v.janusApiSecret) {
        const urls = describe(v.janusUrls ? 'janusUrls' : 'janusServers');
        throw new ConfigError(describeUnset('janusApiSecret'), `is required when ${urls} is set`);
      }
      const servers = v.janusUrls
        ? v.janusUrls.map((url) => ({ url, ...place() }))
        : v.janusServers!.map((s) => ({ url: s.url, ...place(s.region, s.capacity) }));
      return { mode: 'external', servers, apiSecret: v.janusApiSecret };
    }
    let servers: MediaServerPlace[];
    if (v.mediaRegions) {
      if (given('mediaRegion')) {
        throw new ConfigError(describe('mediaRegions'), `set it or ${describe('mediaRegion')}, not both`);
      }
      if (given('mediaServers') && v.mediaServers !== v.mediaRegions.length) {
        throw new ConfigError(
          describe('mediaRegions'),
          `names ${v.mediaRegions.length} media servers' regions, but ${describe('mediaServers')} is ${v.mediaServers}`,
        );
      }
      servers = v.mediaRegions.map((region) => place(region));
    } else {
      servers = Array.from({ length: v.mediaServers }, () => place());
    }
    return {
      mode: 'embedded',
      servers,
      janusBinary: v.janusBinary,
      janusWsPort: v.janusWsPort,
      rtpPortRange: v.rtpPorts,
      iceInterfaces: v.mediaInterface ?? null,
      publicIp: v.mediaPublicIp ?? null,
    };
  })();
  const regions = new Set(media.servers.map((s) => s.region));
  const regionProbes = v.regionProbes ?? {};
  for (const region of Object.keys(regionProbes)) {
    if (!regions.has(region)) {
      throw new ConfigError(
        describe('regionProbes'),
        `names region ${region}, which has no media server (regions: ${[...regions].join(', ')})`,
      );
    }
  }
  return { ...media, regionProbes };
}

/** Every region with a media server, in configuration order. */
export function mediaRegions(config: MediaConfig): string[] {
  return [...new Set(config.servers.map((s) => s.region))];
}
