import { EventEmitter } from 'node:events';
import type { MediaConfig } from '../config/config';
import { JanusClient, type JanusErrorKind } from './janus-client';
import {
  JanusSupervisor,
  type JanusEndpoint,
  type JanusExit,
  type JanusSupervisorOptions,
} from './janus-supervisor';
import type { MediaLogger } from './logger';
import type { MediaPlaneLifecycle, MediaStatus } from './status';

/** A Janus instance the control plane holds an API connection to. */
export interface MediaNode {
  /** Stable within one connection; changes when Janus restarts or the connection is made again. */
  readonly id: string;
  readonly client: JanusClient;
  /** Sent as the VideoRoom `admin_key` when creating rooms. */
  readonly adminKey: string | undefined;
}

/** No media node can host a room right now. */
export class MediaUnavailableError extends Error {
  override name = 'MediaUnavailableError';
}

type MediaPlaneEvents = {
  status: [status: MediaStatus];
  /** A node was lost (Janus died or the connection dropped): its rooms are gone. */
  nodeLost: [nodeId: string];
  /** The embedded Janus exited; unless stop() asked it to (`expected`), a restart follows. */
  janusExited: [exit: JanusExit];
  /** A Janus API request failed (for metrics; its caller handles the failure). */
  requestFailed: [kind: JanusErrorKind];
};

interface MediaDiagnostics {
  mode: 'embedded' | 'external';
  /** The embedded Janus process, while one runs. */
  janusPid: number | null;
  /** The connected node, if any. */
  nodeId: string | null;
}

/** Lifecycle for main and health, plus what signaling needs to place rooms. */
export interface MediaPlane extends MediaPlaneLifecycle {
  /**
   * A connected node to host a new room. Waits up to `waitMs` (default 5 s) while media is
   * starting or restarting, then rejects with MediaUnavailableError.
   */
  nodeForRoom(roomKey: string, waitMs?: number): Promise<MediaNode>;
  /** What runs where, for logs, health details and tests. No secrets. */
  diagnostics(): MediaDiagnostics;
  on<E extends keyof MediaPlaneEvents>(event: E, listener: (...args: MediaPlaneEvents[E]) => void): this;
  once<E extends keyof MediaPlaneEvents>(event: E, listener: (...args: MediaPlaneEvents[E]) => void): this;
  off<E extends keyof MediaPlaneEvents>(event: E, listener: (...args: MediaPlaneEvents[E]) => void): this;
}

export interface MediaPlaneOptions {
  /** Overrides for the embedded Janus supervisor (tests shorten timeouts, pick a temp folder…). */
  supervisor?: Partial<Omit<JanusSupervisorOptions, 'logger'>>;
  /** Janus API request timeout (default 10 s). */
  requestTimeoutMs?: number;
}

/**
 * The media plane: an embedded Janus that we generate a config for, start and supervise, or the
 * operator's external Janus (`config.janusUrls`, reached with `config.apiSecret`).
 *
 * External Janus: its VideoRoom `admin_key`, when set, must equal the API secret.
 */
export function createMediaPlane(
  config: MediaConfig,
  logger: MediaLogger,
  options: MediaPlaneOptions = {},
): MediaPlane {
  return config.mode === 'embedded'
    ? new EmbeddedMediaPlane(config, logger, options)
    : new ExternalMediaPlane(config, logger, options);
}

abstract class BaseMediaPlane extends EventEmitter<MediaPlaneEvents> implements MediaPlane {
  protected node: MediaNode | null = null;
  private lastStatus: MediaStatus = 'unavailable';
  private connections = 0;

  constructor(
    protected readonly logger: MediaLogger,
    protected readonly options: MediaPlaneOptions,
  ) {
    super();
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract status(): MediaStatus;
  abstract diagnostics(): MediaDiagnostics;

  /** One node for now: every room goes to the connected one. Placement happens only here. */
  async nodeForRoom(_roomKey: string, waitMs = 5_000): Promise<MediaNode> {
    const deadline = Date.now() + waitMs;
    while (!this.node || !this.node.client.isOpen) {
      if (Date.now() >= deadline) throw new MediaUnavailableError('The media server is not available');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.node;
  }

  protected async connect(url: string, apiSecret: string, adminKey: string | undefined): Promise<MediaNode> {
    const client = await JanusClient.connect(url, {
      apiSecret,
      logger: this.logger,
      ...(this.options.requestTimeoutMs && { requestTimeoutMs: this.options.requestTimeoutMs }),
      onRequestFailed: (kind) => this.emit('requestFailed', kind),
    });
    const node: MediaNode = { id: `${url}#${++this.connections}`, client, adminKey };
    this.node = node;
    client.once('closed', () => {
      if (this.node === node) this.node = null;
      this.emit('nodeLost', node.id);
      this.onConnectionLost(node);
      this.notifyStatus();
    });
    this.notifyStatus();
    return node;
  }

  protected abstract onConnectionLost(node: MediaNode): void;

  protected notifyStatus(): void {
    const status = this.status();
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.emit('status', status);
  }
}

class EmbeddedMediaPlane extends BaseMediaPlane {
  private readonly supervisor: JanusSupervisor;
  private endpoint: JanusEndpoint | null = null;
  private stopped = true;

  constructor(
    config: Extract<MediaConfig, { mode: 'embedded' }>,
    logger: MediaLogger,
    options: MediaPlaneOptions,
  ) {
    super(logger, options);
    this.supervisor = new JanusSupervisor({
      binary: config.janusBinary,
      wsPort: config.janusWsPort,
      rtpPortRange: config.rtpPortRange,
      iceInterfaces: config.iceInterfaces,
      logger,
      ...options.supervisor,
    });
    this.supervisor.on('ready', (endpoint) => {
      this.endpoint = endpoint;
      void this.connectTo(endpoint);
    });
    this.supervisor.on('exited', (exit) => {
      this.endpoint = null;
      this.node?.client.close();
      this.notifyStatus();
      this.emit('janusExited', exit);
    });
    this.supervisor.on('status', () => this.notifyStatus());
  }

  diagnostics(): MediaDiagnostics {
    return { mode: 'embedded', janusPid: this.supervisor.pid(), nodeId: this.node?.id ?? null };
  }

  status(): MediaStatus {
    const s = this.supervisor.status();
    if (s === 'ready' && !this.node?.client.isOpen) return 'starting';
    return s;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.supervisor.start();
    await this.nodeForRoom('', 5_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.node?.client.close();
    this.node = null;
    await this.supervisor.stop();
    this.notifyStatus();
  }

  protected onConnectionLost(): void {
    // Janus may still be running (the socket alone dropped): connect again.
    const endpoint = this.endpoint;
    if (!endpoint || this.stopped) return;
    setTimeout(() => {
      if (this.endpoint === endpoint && !this.stopped && !this.node) void this.connectTo(endpoint);
    }, 500).unref();
  }

  private async connectTo(endpoint: JanusEndpoint): Promise<void> {
    try {
      await this.connect(endpoint.url, endpoint.apiSecret, endpoint.adminKey);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'Cannot connect to the embedded Janus');
      this.onConnectionLost();
    }
  }
}

class ExternalMediaPlane extends BaseMediaPlane {
  private stopped = true;
  private everConnected = false;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly url: string;

  constructor(
    private readonly config: Extract<MediaConfig, { mode: 'external' }>,
    logger: MediaLogger,
    options: MediaPlaneOptions,
  ) {
    super(logger, options);
    // One node for now; placement across several is nodeForRoom's job.
    this.url = config.janusUrls[0]!;
  }

  diagnostics(): MediaDiagnostics {
    return { mode: 'external', janusPid: null, nodeId: this.node?.id ?? null };
  }

  status(): MediaStatus {
    if (this.node?.client.isOpen) return 'ready';
    if (this.stopped) return 'unavailable';
    return this.everConnected ? 'unavailable' : 'starting';
  }

  /** Connects to the first configured Janus; when that fails, rejects and keeps retrying. */
  async start(): Promise<void> {
    this.stopped = false;
    this.notifyStatus();
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
    this.node?.client.close();
    this.node = null;
    this.notifyStatus();
  }

  protected onConnectionLost(): void {
    if (!this.stopped) this.schedule();
  }

  private async attempt(): Promise<void> {
    await this.connect(this.url, this.config.apiSecret, this.config.apiSecret);
    this.everConnected = true;
    this.retryMs = 500;
    this.logger.info({ url: this.url }, 'Connected to the external Janus');
    this.notifyStatus();
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
