import { EventEmitter } from 'node:events';
import type { MediaServerPlace } from '../config/media';
import { JanusClient, type JanusErrorKind } from './janus-client';
import {
  JanusSupervisor,
  type JanusEndpoint,
  type JanusExit,
  type JanusSupervisorOptions,
} from './janus-supervisor';
import type { MediaLogger } from './logger';
import type { MediaStatus } from './status';

/** A Janus instance the control plane holds an API connection to. */
export interface MediaNode {
  /** Stable within one connection; changes when Janus restarts or the connection is made again. */
  readonly id: string;
  readonly client: JanusClient;
  /** Sent as the VideoRoom `admin_key` when creating rooms. */
  readonly adminKey: string | undefined;
  /** The media server it belongs to, and that server's region. */
  readonly serverId: string;
  readonly region: string;
}

export type MediaServerEvents = {
  status: [];
  /** The server's node was lost (Janus died or the connection dropped): its rooms are gone. */
  nodeLost: [nodeId: string];
  /** An embedded Janus exited; unless stop() asked it to (`expected`), a restart follows. */
  janusExited: [exit: JanusExit];
  /** A Janus API request failed (for metrics; its caller handles the failure). */
  requestFailed: [kind: JanusErrorKind];
};

/** What one media server tells about itself: for logs, health details and tests. No secrets. */
export interface MediaServerInfo {
  id: string;
  region: string;
  /** Participants it is given before new meetings go elsewhere. */
  capacity: number;
  status: MediaStatus;
  /** The embedded Janus process, while one runs. */
  janusPid: number | null;
  /** The connected node, if any. */
  nodeId: string | null;
}

export interface MediaServerOptions {
  /** Janus API request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** How often a connected Janus is asked whether it still answers (default 1 s); 0 turns it off. */
  probeEveryMs?: number;
}

/** A Janus that misses this many answers in a row is given up, as if it had died: its rooms move. */
const PROBE_MISSES = 2;

/**
 * One Janus the plane can place rooms on: the embedded one Conclave starts and supervises, or one the
 * operator runs. It keeps one API connection (its node) open, and a new one after a loss.
 */
export abstract class MediaServer extends EventEmitter<MediaServerEvents> {
  protected currentNode: MediaNode | null = null;
  private connections = 0;

  readonly region: string;
  readonly capacity: number;

  constructor(
    readonly id: string,
    place: MediaServerPlace,
    protected readonly logger: MediaLogger,
    protected readonly options: MediaServerOptions,
  ) {
    super();
    this.region = place.region;
    this.capacity = place.capacity;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract status(): MediaStatus;
  protected abstract pid(): number | null;
  protected abstract onConnectionLost(): void;

  /** The node, while its connection is open. */
  get node(): MediaNode | null {
    return this.currentNode?.client.isOpen ? this.currentNode : null;
  }

  info(): MediaServerInfo {
    return {
      id: this.id,
      region: this.region,
      capacity: this.capacity,
      status: this.status(),
      janusPid: this.pid(),
      nodeId: this.currentNode?.id ?? null,
    };
  }

  /**
   * A Janus that hangs keeps its socket open and answers nothing: asked `info` every `probeEveryMs`,
   * one that misses two answers in a row loses its connection, which moves its rooms elsewhere.
   */
  private probe(node: MediaNode): void {
    const every = this.options.probeEveryMs ?? 1_000;
    if (every <= 0) return;
    let misses = 0;
    let asking = false;
    const timer = setInterval(() => {
      if (asking || !node.client.isOpen) return;
      asking = true;
      const answered = node.client.request({ janus: 'info' }, 'reply', 'health check');
      answered.catch(() => undefined);
      let timeout: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error('no answer')), every);
      });
      Promise.race([answered, late])
        .then(
          () => (misses = 0),
          () => {
            if (++misses < PROBE_MISSES || !node.client.isOpen) return;
            this.logger.warn({ server: this.id, node: node.id }, 'Janus stopped answering; giving it up');
            node.client.close();
          },
        )
        .finally(() => {
          clearTimeout(timeout);
          asking = false;
        });
    }, every);
    timer.unref();
    node.client.once('closed', () => clearInterval(timer));
  }

  protected async connect(url: string, apiSecret: string, adminKey: string | undefined): Promise<MediaNode> {
    const client = await JanusClient.connect(url, {
      apiSecret,
      logger: this.logger,
      ...(this.options.requestTimeoutMs && { requestTimeoutMs: this.options.requestTimeoutMs }),
      onRequestFailed: (kind) => this.emit('requestFailed', kind),
    });
    const node: MediaNode = {
      id: `${url}#${++this.connections}`,
      client,
      adminKey,
      serverId: this.id,
      region: this.region,
    };
    this.currentNode = node;
    this.probe(node);
    client.once('closed', () => {
      if (this.currentNode === node) this.currentNode = null;
      this.emit('nodeLost', node.id);
      this.onConnectionLost();
      this.emit('status');
    });
    this.emit('status');
    return node;
  }
}

export interface EmbeddedServerConfig {
  janusBinary: string;
  /** Loopback port of the generated Janus WebSocket transport; 0 picks a free one. */
  janusWsPort: number;
  rtpPortRange: { min: number; max: number };
  /** Interfaces ICE may gather on (Janus ice_enforce_list); null lets Janus choose. */
  iceInterfaces: string | null;
  /** The address a 1:1 NAT maps this machine's to (Janus nat_1_1_mapping), if any. */
  publicIp: string | null;
}

/** A Janus that Conclave generates a configuration for, starts and restarts. */
export class EmbeddedServer extends MediaServer {
  private readonly supervisor: JanusSupervisor;
  private endpoint: JanusEndpoint | null = null;
  private stopped = true;

  constructor(
    id: string,
    place: MediaServerPlace,
    config: EmbeddedServerConfig,
    logger: MediaLogger,
    options: MediaServerOptions & { supervisor?: Partial<Omit<JanusSupervisorOptions, 'logger'>> },
  ) {
    super(id, place, logger, options);
    this.supervisor = new JanusSupervisor({
      binary: config.janusBinary,
      wsPort: config.janusWsPort,
      rtpPortRange: config.rtpPortRange,
      iceInterfaces: config.iceInterfaces,
      publicIp: config.publicIp,
      logger,
      ...options.supervisor,
    });
    this.supervisor.on('ready', (endpoint) => {
      this.endpoint = endpoint;
      void this.connectTo(endpoint);
    });
    this.supervisor.on('exited', (exit) => {
      this.endpoint = null;
      this.currentNode?.client.close();
      this.emit('status');
      this.emit('janusExited', exit);
    });
    this.supervisor.on('status', () => this.emit('status'));
  }

  status(): MediaStatus {
    const s = this.supervisor.status();
    if (s === 'ready' && !this.node) return 'starting';
    return s;
  }

  protected pid(): number | null {
    return this.supervisor.pid();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.supervisor.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.currentNode?.client.close();
    this.currentNode = null;
    await this.supervisor.stop();
    this.emit('status');
  }

  protected onConnectionLost(): void {
    // Janus may still be running (the socket alone dropped): connect again.
    const endpoint = this.endpoint;
    if (!endpoint || this.stopped) return;
    setTimeout(() => {
      if (this.endpoint === endpoint && !this.stopped && !this.currentNode) void this.connectTo(endpoint);
    }, 500).unref();
  }

  private async connectTo(endpoint: JanusEndpoint): Promise<void> {
    try {
      await this.connect(endpoint.url, endpoint.apiSecret, endpoint.adminKey);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, server: this.id },
        'Cannot connect to the embedded Janus',
      );
      this.onConnectionLost();
    }
  }
}

/** The operator's Janus, reached with the API secret (its VideoRoom `admin_key`, when set, must equal it). */
export class ExternalServer extends MediaServer {
  private stopped = true;
  private everConnected = false;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    id: string,
    place: MediaServerPlace,
    private readonly url: string,
    private readonly apiSecret: string,
    logger: MediaLogger,
    options: MediaServerOptions,
  ) {
    super(id, place, logger, options);
  }

  status(): MediaStatus {
    if (this.node) return 'ready';
    if (this.stopped) return 'unavailable';
    return this.everConnected ? 'unavailable' : 'starting';
  }

  protected pid(): null {
    return null;
  }

  /** Connects; when that fails, rejects and keeps retrying. */
  async start(): Promise<void> {
    this.stopped = false;
    this.emit('status');
    try {
      await this.attempt();
    } catch (err) {
      this.schedule();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.currentNode?.client.close();
    this.currentNode = null;
    this.emit('status');
  }

  protected onConnectionLost(): void {
    if (!this.stopped) this.schedule();
  }

  private async attempt(): Promise<void> {
    await this.connect(this.url, this.apiSecret, this.apiSecret);
    this.everConnected = true;
    this.retryMs = 500;
    this.logger.info({ url: this.url }, 'Connected to the external Janus');
    this.emit('status');
  }

  private schedule(): void {
    if (this.retryTimer || this.stopped) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(10_000, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      this.attempt().catch((err: unknown) => {
        this.logger.warn({ url: this.url, err: (err as Error).message }, 'Cannot reach the external Janus');
        this.schedule();
      });
    }, delay);
    this.retryTimer.unref();
  }
}
