import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { JanusClient } from './janus-client';
import {
  removeJanusConfig,
  writeJanusConfig,
  type GeneratedJanusConfig,
  type JanusSipOptions,
} from './janus-config';
import { silentLogger, type MediaLogger } from './logger';
import {
  ProcessSupervisor,
  type ProcessExit,
  type Started,
  type SupervisedProgram,
} from './process-supervisor';
import type { MediaStatus } from './status';

export interface JanusSupervisorOptions {
  binary: string;
  /** Loopback port for the Janus API; 0 picks a free one at every start. */
  wsPort: number;
  rtpPortRange: { min: number; max: number };
  iceInterfaces: string | null;
  publicIp?: string | null;
  logger?: MediaLogger;
  /** Janus's own log level (0–7); its output goes to the logger at debug level. */
  debugLevel?: number;
  /** How long a started Janus may take to answer on its WebSocket (default 15 s). */
  readyTimeoutMs?: number;
  /** Delay before the first restart, doubled after each failed one up to maxMs (default 250 ms → 10 s). */
  restartBackoff?: { initialMs: number; maxMs: number };
  janusLibDir?: string;
  /** Parent of the generated config folders (default: the system temp folder). */
  tempDir?: string;
  /** Load the SIP plugin too, for the SIP gateway (INTEROP-SIP). */
  sip?: JanusSipOptions | null;
}

/** How to reach the running Janus. The secrets change at every start and are never logged. */
export interface JanusEndpoint {
  url: string;
  apiSecret: string;
  adminKey: string;
  pid: number;
  /** Counts starts; a new generation means rooms and sessions of the old one are gone. */
  generation: number;
}

export type JanusExit = ProcessExit;

type SupervisorEvents = {
  ready: [endpoint: JanusEndpoint];
  exited: [exit: JanusExit];
  status: [status: MediaStatus];
};

/**
 * Runs the embedded Janus: writes its configuration, spawns it, waits until its WebSocket answers,
 * and restarts it with exponential backoff whenever it exits, until stop().
 */
export class JanusSupervisor extends EventEmitter<SupervisorEvents> {
  private readonly process: ProcessSupervisor<GeneratedJanusConfig>;
  private current: JanusEndpoint | null = null;

  constructor(options: JanusSupervisorOptions) {
    super();
    this.process = new ProcessSupervisor(janusProgram(options), {
      logger: options.logger ?? silentLogger,
      ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
      ...(options.restartBackoff && { restartBackoff: options.restartBackoff }),
    });
    this.process.on('ready', (started) => {
      this.current = endpointOf(started);
      this.emit('ready', this.current);
    });
    this.process.on('exited', (exit) => {
      this.current = null;
      this.emit('exited', exit);
    });
    this.process.on('status', (status) => this.emit('status', status));
  }

  status(): MediaStatus {
    return this.process.status();
  }

  endpoint(): JanusEndpoint | null {
    return this.current;
  }

  /** The Janus process id while one runs (tests kill it to prove restarts). */
  pid(): number | null {
    return this.process.pid();
  }

  /**
   * Starts Janus and resolves once it answers. When the first attempt fails (binary missing, crash,
   * no answer in time) this rejects with the reason, and the supervisor keeps retrying in the
   * background until stop().
   */
  async start(): Promise<JanusEndpoint> {
    return endpointOf(await this.process.start());
  }

  /** Stops Janus (SIGTERM, then SIGKILL after 3 s), stops restarting, removes its config folder. */
  stop(): Promise<void> {
    return this.process.stop();
  }
}

function endpointOf({ prepared, pid, generation }: Started<GeneratedJanusConfig>): JanusEndpoint {
  return { url: prepared.wsUrl, apiSecret: prepared.apiSecret, adminKey: prepared.adminKey, pid, generation };
}

/** Janus as the supervisor runs it: a fresh configuration folder and secrets at every start. */
function janusProgram(options: JanusSupervisorOptions): SupervisedProgram<GeneratedJanusConfig> {
  return {
    name: 'Janus',
    binary: options.binary,
    prepare: async () =>
      writeJanusConfig({
        wsPort: options.wsPort || (await freePort()),
        rtpPortRange: options.rtpPortRange,
        iceInterfaces: options.iceInterfaces,
        publicIp: options.publicIp ?? null,
        debugLevel: options.debugLevel ?? 4,
        ...(options.janusLibDir && { janusLibDir: options.janusLibDir }),
        ...(options.tempDir && { parentDir: options.tempDir }),
        ...(options.sip && { sip: options.sip }),
      }),
    args: (config) => ['-C', `${config.configsFolder}/janus.jcfg`, '-F', config.configsFolder],
    answers,
    describe: (config) => config.wsUrl,
    cleanup: removeJanusConfig,
    redact: (config, line) =>
      line.split(config.apiSecret).join('[redacted]').split(config.adminKey).join('[redacted]'),
  };
}

/** True when a Janus API answers `info` at this config's URL. */
async function answers(config: GeneratedJanusConfig): Promise<boolean> {
  let client: JanusClient | null = null;
  try {
    client = await JanusClient.connect(config.wsUrl, {
      apiSecret: config.apiSecret,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
    });
    const info = await client.info();
    return info.janus === 'server_info';
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
