import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { JanusClient } from './janus-client';
import { removeJanusConfig, writeJanusConfig, type GeneratedJanusConfig } from './janus-config';
import { silentLogger, type MediaLogger } from './logger';
import type { MediaStatus } from './status';

export interface JanusSupervisorOptions {
  binary: string;
  /** Loopback port for the Janus API; 0 picks a free one at every start. */
  wsPort: number;
  rtpPortRange: { min: number; max: number };
  iceInterfaces: string | null;
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

export interface JanusExit {
  generation: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Exited because stop() asked it to. */
  expected: boolean;
}

type SupervisorEvents = {
  ready: [endpoint: JanusEndpoint];
  exited: [exit: JanusExit];
  status: [status: MediaStatus];
};

/** A process stays "stable" after this long ready; a crash after that restarts without delay growth. */
const STABLE_MS = 30_000;

/**
 * Runs the embedded Janus: writes its configuration, spawns it, waits until its WebSocket answers,
 * and restarts it with exponential backoff whenever it exits, until stop().
 */
export class JanusSupervisor extends EventEmitter<SupervisorEvents> {
  private readonly logger: MediaLogger;
  private child: ChildProcess | null = null;
  private config: GeneratedJanusConfig | null = null;
  private current: JanusEndpoint | null = null;
  private state: MediaStatus = 'unavailable';
  private running = false;
  private generation = 0;
  private delayMs: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private readySince = 0;
  private exitWaiters: Array<() => void> = [];
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly options: JanusSupervisorOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.delayMs = options.restartBackoff?.initialMs ?? 250;
  }

  status(): MediaStatus {
    return this.state;
  }

  endpoint(): JanusEndpoint | null {
    return this.current;
  }

  /** The Janus process id while one runs (tests kill it to prove restarts). */
  pid(): number | null {
    return this.child?.pid ?? null;
  }

  /**
   * Starts Janus and resolves once it answers. When the first attempt fails (binary missing, crash,
   * no answer in time) this rejects with the reason, and the supervisor keeps retrying in the
   * background until stop().
   */
  start(): Promise<JanusEndpoint> {
    if (this.running) {
      if (this.current) return Promise.resolve(this.current);
      return this.nextReady();
    }
    this.running = true;
    process.once('exit', this.killOnExit);
    const first = new Promise<JanusEndpoint>((resolve, reject) => {
      const onReady = (endpoint: JanusEndpoint) => {
        this.off('exited', onExit);
        resolve(endpoint);
      };
      const onExit = (exit: JanusExit) => {
        this.off('ready', onReady);
        reject(new Error(this.lastFailure ?? `Janus exited before it was ready (${describeExit(exit)})`));
      };
      this.once('ready', onReady);
      this.once('exited', onExit);
    });
    void this.launch();
    return first;
  }

  /** Stops Janus (SIGTERM, then SIGKILL after 3 s), stops restarting, removes its config folder. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    process.off('exit', this.killOnExit);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(force);
    }
    if (this.config) await removeJanusConfig(this.config);
    this.config = null;
    this.setState('unavailable');
  }

  private lastFailure: string | null = null;

  private nextReady(): Promise<JanusEndpoint> {
    return new Promise((resolve) => this.once('ready', resolve));
  }

  private async launch(): Promise<void> {
    if (!this.running) return;
    this.setState('starting');
    this.lastFailure = null;
    const generation = ++this.generation;
    let config: GeneratedJanusConfig;
    try {
      const wsPort = this.options.wsPort || (await freePort());
      config = await writeJanusConfig({
        wsPort,
        rtpPortRange: this.options.rtpPortRange,
        iceInterfaces: this.options.iceInterfaces,
        debugLevel: this.options.debugLevel ?? 4,
        ...(this.options.janusLibDir && { janusLibDir: this.options.janusLibDir }),
        ...(this.options.tempDir && { parentDir: this.options.tempDir }),
      });
    } catch (err) {
      this.lastFailure = `Cannot prepare the Janus configuration: ${(err as Error).message}`;
      this.logger.error(this.lastFailure);
      this.failed({ generation, code: null, signal: null, expected: false });
      return;
    }
    if (!this.running) {
      await removeJanusConfig(config);
      return;
    }
    this.config = config;
    const args = ['-C', `${config.configsFolder}/janus.jcfg`, '-F', config.configsFolder];
    const [command, commandArgs] = dieWithParent(this.options.binary, args);
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const redact = (line: string) =>
      line.split(config.apiSecret).join('[redacted]').split(config.adminKey).join('[redacted]');
    const pipe = (stream: NodeJS.ReadableStream | null) => {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.logger.debug({ janus: child.pid }, redact(line));
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.once('error', (err) => {
      this.lastFailure = `Cannot start Janus (${this.options.binary}): ${err.message}`;
      this.logger.error(this.lastFailure);
    });
    child.once('close', (code, signal) => {
      void this.onExit(child, config, { generation, code, signal, expected: !this.running });
    });
    if (child.pid === undefined) return; // spawn failed; 'close' follows 'error'
    this.logger.info({ janusPid: child.pid, port: config.wsPort }, 'Janus started');
    await this.waitReady(child, config, generation);
  }

  private async waitReady(child: ChildProcess, config: GeneratedJanusConfig, generation: number) {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 15_000);
    while (this.child === child && child.exitCode === null && child.signalCode === null) {
      if (await answers(config)) {
        if (this.child !== child || !this.running) return;
        this.current = {
          url: config.wsUrl,
          apiSecret: config.apiSecret,
          adminKey: config.adminKey,
          pid: child.pid!,
          generation,
        };
        this.readySince = Date.now();
        this.setState('ready');
        this.logger.info({ janusPid: child.pid, url: config.wsUrl }, 'Janus is ready');
        this.emit('ready', this.current);
        return;
      }
      if (Date.now() > deadline) {
        this.lastFailure = `Janus did not answer on ${config.wsUrl} within ${this.options.readyTimeoutMs ?? 15_000} ms`;
        this.logger.error(this.lastFailure);
        child.kill('SIGKILL');
        return;
      }
      await sleep(100);
    }
  }

  private async onExit(child: ChildProcess, config: GeneratedJanusConfig, exit: JanusExit): Promise<void> {
    if (this.child === child) this.child = null;
    this.current = null;
    await removeJanusConfig(config).catch(() => undefined);
    if (this.config === config) this.config = null;
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    if (exit.expected) {
      this.logger.info({ janusPid: child.pid }, 'Janus stopped');
      this.emit('exited', exit);
      return;
    }
    this.logger.warn(
      { janusPid: child.pid, code: exit.code, signal: exit.signal },
      'Janus exited; restarting',
    );
    this.failed(exit);
  }

  private failed(exit: JanusExit): void {
    this.setState('unavailable');
    this.emit('exited', exit);
    if (!this.running) return;
    const wasStable = this.readySince > 0 && Date.now() - this.readySince > STABLE_MS;
    const initial = this.options.restartBackoff?.initialMs ?? 250;
    const max = this.options.restartBackoff?.maxMs ?? 10_000;
    if (wasStable) this.delayMs = initial;
    const delay = this.delayMs;
    this.delayMs = Math.min(max, this.delayMs * 2);
    this.readySince = 0;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.launch();
    }, delay);
    this.restartTimer.unref();
  }

  private setState(state: MediaStatus): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('status', state);
  }
}

function describeExit(exit: JanusExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SETPRIV = '/usr/bin/setpriv';

/**
 * Janus must not outlive us: a control plane killed with SIGKILL would otherwise leave an orphan
 * holding ports. util-linux's setpriv sets the parent-death signal and then execs Janus, so the pid
 * we supervise is Janus's own.
 */
function dieWithParent(binary: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux' || !existsSync(SETPRIV) || !existsSync(binary)) return [binary, args];
  return [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, ...args]];
}
