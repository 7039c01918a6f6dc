import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { MediaLogger } from './logger';
import type { MediaStatus } from './status';

/** A program Conclave runs for itself (Janus, coturn): how to configure, start and probe it. */
export interface SupervisedProgram<Prepared> {
  /** Its name in log lines and failures ("Janus", "coturn"). */
  name: string;
  binary: string;
  /** Writes its configuration for one start. */
  prepare(): Promise<Prepared>;
  args(prepared: Prepared): string[];
  /** True once the started program answers. */
  answers(prepared: Prepared): Promise<boolean>;
  /** Where it was probed, for the failure that says it did not answer. */
  describe(prepared: Prepared): string;
  /** Removes what prepare() wrote. */
  cleanup(prepared: Prepared): Promise<void>;
  /** Takes the secrets out of one of its output lines before it is logged. */
  redact(prepared: Prepared, line: string): string;
}

/** One start that answered. */
export interface Started<Prepared> {
  prepared: Prepared;
  pid: number;
  /** Counts starts; a new generation means what the old one held is gone. */
  generation: number;
}

export interface ProcessExit {
  generation: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Exited because stop() asked it to. */
  expected: boolean;
}

export interface ProcessSupervisorOptions {
  logger: MediaLogger;
  /** How long a started program may take to answer (default 15 s). */
  readyTimeoutMs?: number;
  /** Delay before the first restart, doubled after each failed one up to maxMs (default 250 ms → 10 s). */
  restartBackoff?: { initialMs: number; maxMs: number };
}

type SupervisorEvents<Prepared> = {
  ready: [started: Started<Prepared>];
  exited: [exit: ProcessExit];
  status: [status: MediaStatus];
};

/** A process stays "stable" after this long ready; a crash after that restarts without delay growth. */
const STABLE_MS = 30_000;

/**
 * Runs a program: writes its configuration, spawns it, waits until it answers, and restarts it with
 * exponential backoff whenever it exits, until stop(). It dies with the control plane.
 */
export class ProcessSupervisor<Prepared> extends EventEmitter<SupervisorEvents<Prepared>> {
  private child: ChildProcess | null = null;
  private prepared: Prepared | null = null;
  private current: Started<Prepared> | null = null;
  private state: MediaStatus = 'unavailable';
  private running = false;
  private generation = 0;
  private delayMs: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private readySince = 0;
  private exitWaiters: Array<() => void> = [];
  private lastFailure: string | null = null;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(
    private readonly program: SupervisedProgram<Prepared>,
    private readonly options: ProcessSupervisorOptions,
  ) {
    super();
    this.delayMs = options.restartBackoff?.initialMs ?? 250;
  }

  status(): MediaStatus {
    return this.state;
  }

  started(): Started<Prepared> | null {
    return this.current;
  }

  pid(): number | null {
    return this.child?.pid ?? null;
  }

  /**
   * Starts the program and resolves once it answers. When the first attempt fails (binary missing,
   * crash, no answer in time) this rejects with the reason, and the supervisor keeps retrying in the
   * background until stop().
   */
  start(): Promise<Started<Prepared>> {
    if (this.running) {
      if (this.current) return Promise.resolve(this.current);
      return new Promise((resolve) => this.once('ready', resolve));
    }
    this.running = true;
    process.once('exit', this.killOnExit);
    const first = new Promise<Started<Prepared>>((resolve, reject) => {
      const onReady = (started: Started<Prepared>) => {
        this.off('exited', onExit);
        resolve(started);
      };
      const onExit = (exit: ProcessExit) => {
        this.off('ready', onReady);
        const name = this.program.name;
        reject(new Error(this.lastFailure ?? `${name} exited before it was ready (${describeExit(exit)})`));
      };
      this.once('ready', onReady);
      this.once('exited', onExit);
    });
    void this.launch();
    return first;
  }

  /** Stops the program (SIGTERM, then SIGKILL after 3 s), stops restarting, removes its configuration. */
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
    if (this.prepared !== null) await this.program.cleanup(this.prepared);
    this.prepared = null;
    this.setState('unavailable');
  }

  private async launch(): Promise<void> {
    if (!this.running) return;
    const { program, options } = this;
    const { logger } = options;
    this.setState('starting');
    this.lastFailure = null;
    const generation = ++this.generation;
    let prepared: Prepared;
    try {
      prepared = await program.prepare();
    } catch (err) {
      this.lastFailure = `Cannot prepare the ${program.name} configuration: ${(err as Error).message}`;
      logger.error(this.lastFailure);
      this.failed({ generation, code: null, signal: null, expected: false });
      return;
    }
    if (!this.running) {
      await program.cleanup(prepared);
      return;
    }
    this.prepared = prepared;
    const [command, commandArgs] = dieWithParent(program.binary, program.args(prepared));
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const pipe = (stream: NodeJS.ReadableStream | null) => {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines)
          if (line.trim()) logger.debug({ [program.name]: child.pid }, program.redact(prepared, line));
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.once('error', (err) => {
      this.lastFailure = `Cannot start ${program.name} (${program.binary}): ${err.message}`;
      logger.error(this.lastFailure);
    });
    child.once('close', (code, signal) => {
      void this.onExit(child, prepared, { generation, code, signal, expected: !this.running });
    });
    if (child.pid === undefined) return; // spawn failed; 'close' follows 'error'
    logger.info({ pid: child.pid }, `${program.name} started`);
    await this.waitReady(child, prepared, generation);
  }

  private async waitReady(child: ChildProcess, prepared: Prepared, generation: number): Promise<void> {
    const { program } = this;
    const timeoutMs = this.options.readyTimeoutMs ?? 15_000;
    const deadline = Date.now() + timeoutMs;
    while (this.child === child && child.exitCode === null && child.signalCode === null) {
      if (await program.answers(prepared)) {
        if (this.child !== child || !this.running) return;
        this.current = { prepared, pid: child.pid!, generation };
        this.readySince = Date.now();
        this.setState('ready');
        this.options.logger.info(
          { pid: child.pid, at: program.describe(prepared) },
          `${program.name} is ready`,
        );
        this.emit('ready', this.current);
        return;
      }
      if (Date.now() > deadline) {
        this.lastFailure = `${program.name} did not answer on ${program.describe(prepared)} within ${timeoutMs} ms`;
        this.options.logger.error(this.lastFailure);
        child.kill('SIGKILL');
        return;
      }
      await sleep(100);
    }
  }

  private async onExit(child: ChildProcess, prepared: Prepared, exit: ProcessExit): Promise<void> {
    if (this.child === child) this.child = null;
    this.current = null;
    await this.program.cleanup(prepared).catch(() => undefined);
    if (this.prepared === prepared) this.prepared = null;
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    const name = this.program.name;
    if (exit.expected) {
      this.options.logger.info({ pid: child.pid }, `${name} stopped`);
      this.emit('exited', exit);
      return;
    }
    this.options.logger.warn(
      { pid: child.pid, code: exit.code, signal: exit.signal },
      `${name} exited; restarting`,
    );
    this.failed(exit);
  }

  private failed(exit: ProcessExit): void {
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

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SETPRIV = '/usr/bin/setpriv';

/**
 * A supervised program must not outlive us: a control plane killed with SIGKILL would otherwise leave
 * an orphan holding ports. util-linux's setpriv sets the parent-death signal and then execs the
 * program, so the pid we supervise is its own.
 */
function dieWithParent(binary: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux' || !existsSync(SETPRIV) || !existsSync(binary)) return [binary, args];
  return [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, ...args]];
}
