import { EventEmitter } from 'node:events';
import type { MediaConfig } from '../config/media';
import type { JanusErrorKind } from './janus-client';
import type { JanusExit, JanusSupervisorOptions } from './janus-supervisor';
import type { MediaLogger } from './logger';
import { choosePlacement } from './placement';
import {
  EmbeddedServer,
  ExternalServer,
  type MediaNode,
  type MediaServer,
  type MediaServerInfo,
} from './media-server';
import type { MediaPlaneLifecycle, MediaStatus } from './status';

export type { MediaNode } from './media-server';

/** No media node can host a room right now. */
export class MediaUnavailableError extends Error {
  override name = 'MediaUnavailableError';
}

type MediaPlaneEvents = {
  status: [status: MediaStatus];
  /** A node was lost (Janus died or the connection dropped): its rooms are gone from it. */
  nodeLost: [nodeId: string];
  /** An embedded Janus exited; unless stop() asked it to (`expected`), a restart follows. */
  janusExited: [exit: JanusExit];
  /** A Janus API request failed (for metrics; its caller handles the failure). */
  requestFailed: [kind: JanusErrorKind];
};

interface MediaDiagnostics {
  mode: 'embedded' | 'external';
  /** The first embedded Janus process, while one runs. */
  janusPid: number | null;
  /** The first connected node, if any. */
  nodeId: string | null;
  /** Every media server, in configuration order. */
  servers: MediaServerInfo[];
}

/** How full a node is, as the rooms placed on it make it (Janus reports no load of its own). */
export type NodeLoad = (nodeId: string) => { participants: number; rooms: number };

/** What decides where a new room goes (NET-REGIONS). */
interface PlacementRequest {
  /** Regions nearest first: the first with a healthy server that has room takes it. */
  regions?: readonly string[];
  /** What is placed on each node now (default: nothing anywhere). */
  load?: NodeLoad;
}

/** Lifecycle for main and health, plus what signaling needs to place rooms. */
export interface MediaPlane extends MediaPlaneLifecycle {
  /**
   * A connected node to host a new room: in the first of `placement.regions` that has a connected
   * server with room to spare, the one with the most (see placement.ts). Waits up to `waitMs`
   * (default 5 s) while media is starting or restarting, then rejects with MediaUnavailableError.
   */
  nodeForRoom(roomKey: string, waitMs?: number, placement?: PlacementRequest): Promise<MediaNode>;
  /**
   * The connected node of one media server, to take up a room another control-plane node made there
   * (server ids come from configuration order, the same on every node of a cluster).
   */
  nodeOfServer(serverId: string): MediaNode | null;
  /** What runs where, for logs, health details and tests. No secrets. */
  diagnostics(): MediaDiagnostics;
  on<E extends keyof MediaPlaneEvents>(event: E, listener: (...args: MediaPlaneEvents[E]) => void): this;
  once<E extends keyof MediaPlaneEvents>(event: E, listener: (...args: MediaPlaneEvents[E]) => void): this;
  off<E extends keyof MediaPlaneEvents>(event: E, listener: (...args: MediaPlaneEvents[E]) => void): this;
}

export interface MediaPlaneOptions {
  /** Overrides for the embedded Janus supervisors (tests shorten timeouts, pick a temp folder…). */
  supervisor?: Partial<Omit<JanusSupervisorOptions, 'logger'>>;
  /** Janus API request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** How often each Janus is asked whether it still answers (default 1 s; two misses give it up). */
  probeEveryMs?: number;
}

/**
 * The media plane: the embedded Janus servers that Conclave generates a configuration for, starts and
 * supervises (one per `config.servers` entry, each with its own slice of the RTP port range, in that
 * order), or the operator's (`config.servers`' URLs, reached with `config.apiSecret`). Each has the
 * region and capacity its entry gives; rooms are placed across them by region and room to spare.
 */
export function createMediaPlane(
  config: MediaConfig,
  logger: MediaLogger,
  options: MediaPlaneOptions = {},
): MediaPlane {
  const server = {
    ...(options.requestTimeoutMs && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.probeEveryMs !== undefined && { probeEveryMs: options.probeEveryMs }),
  };
  const servers: MediaServer[] =
    config.mode === 'embedded'
      ? rtpSlices(config.rtpPortRange, config.servers.length).map(
          (rtpPortRange, i) =>
            new EmbeddedServer(
              `embedded-${i + 1}`,
              config.servers[i]!,
              {
                janusBinary: config.janusBinary,
                // A fixed port for the first; the others pick free ones.
                janusWsPort: i === 0 ? config.janusWsPort : 0,
                rtpPortRange,
                iceInterfaces: config.iceInterfaces,
                publicIp: config.publicIp,
              },
              logger,
              { ...server, ...(options.supervisor && { supervisor: options.supervisor }) },
            ),
        )
      : config.servers.map(
          (place, i) =>
            new ExternalServer(`external-${i + 1}`, place, place.url, config.apiSecret, logger, server),
        );
  return new MediaServerRegistry(config.mode, servers);
}

/** Splits the RTP port range into `count` equal slices, one per embedded Janus. */
function rtpSlices(range: { min: number; max: number }, count: number): Array<{ min: number; max: number }> {
  const size = Math.floor((range.max - range.min + 1) / count);
  return Array.from({ length: count }, (_, i) => ({
    min: range.min + i * size,
    max: i === count - 1 ? range.max : range.min + (i + 1) * size - 1,
  }));
}

class MediaServerRegistry extends EventEmitter<MediaPlaneEvents> implements MediaPlane {
  private lastStatus: MediaStatus = 'unavailable';

  constructor(
    private readonly mode: 'embedded' | 'external',
    private readonly servers: readonly MediaServer[],
  ) {
    super();
    for (const s of servers) {
      s.on('status', () => this.notifyStatus());
      s.on('nodeLost', (nodeId) => this.emit('nodeLost', nodeId));
      s.on('janusExited', (exit) => this.emit('janusExited', exit));
      s.on('requestFailed', (kind) => this.emit('requestFailed', kind));
    }
  }

  /** Ready while any server is; starting while any is and none is ready. */
  status(): MediaStatus {
    const all = this.servers.map((s) => s.status());
    if (all.includes('ready')) return 'ready';
    return all.includes('starting') ? 'starting' : 'unavailable';
  }

  diagnostics(): MediaDiagnostics {
    const servers = this.servers.map((s) => s.info());
    return {
      mode: this.mode,
      janusPid: servers.find((s) => s.janusPid !== null)?.janusPid ?? null,
      nodeId: servers.find((s) => s.nodeId !== null)?.nodeId ?? null,
      servers,
    };
  }

  /**
   * Starts every server. Embedded: resolves once each Janus runs and is connected (or, after 5 s, once
   * one is). External: resolves once one is reachable; when none is, rejects (each keeps retrying).
   */
  async start(): Promise<void> {
    const started = await Promise.allSettled(this.servers.map((s) => s.start()));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (this.mode === 'embedded' && failed) throw failed.reason;
    if (!this.connectedNodes().length && failed) throw failed.reason;
    const deadline = Date.now() + 5_000;
    while (this.mode === 'embedded' && this.connectedNodes().length < this.servers.length) {
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.nodeForRoom('', 5_000);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
    this.notifyStatus();
  }

  async nodeForRoom(_roomKey: string, waitMs = 5_000, placement: PlacementRequest = {}): Promise<MediaNode> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const candidates = this.servers.flatMap((s) => {
        const node = s.node;
        if (!node) return [];
        const load = placement.load?.(node.id) ?? { participants: 0, rooms: 0 };
        return [{ node, region: s.region, capacity: s.capacity, ...load }];
      });
      const chosen = choosePlacement(candidates, placement.regions);
      if (chosen) return chosen.node;
      if (Date.now() >= deadline) throw new MediaUnavailableError('The media server is not available');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  nodeOfServer(serverId: string): MediaNode | null {
    return this.servers.find((s) => s.id === serverId)?.node ?? null;
  }

  private connectedNodes(): MediaNode[] {
    return this.servers.flatMap((s) => s.node ?? []);
  }

  private notifyStatus(): void {
    const status = this.status();
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.emit('status', status);
  }
}
