import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HealthView } from '@conclave/protocol';
import { freePort } from './ports';

/** The repository root (this file is test/e2e/support/server.ts). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The web app builds a server can serve: the tests' build, whose pages expose their SDK room as
 * `window.__conclave.room`, and the production build (`npm start`), which has no such hook.
 */
export type WebBuild = 'test' | 'production';
const WEB_BUILDS: Record<WebBuild, { dir: string; buildArgs: string[] }> = {
  test: { dir: join(ROOT, 'test/e2e/dist/web'), buildArgs: ['--web-for-e2e'] },
  production: { dir: join(ROOT, 'apps/web/dist'), buildArgs: [] },
};
/** CONCLAVE_E2E_SERVER_ENTRY runs another entry file (e.g. a locally patched main) for debugging. */
const SERVER_ENTRY = process.env.CONCLAVE_E2E_SERVER_ENTRY ?? join(ROOT, 'packages/server/src/main.ts');

export interface StartServerOptions {
  /** Extra environment for the server (e.g. DATABASE_URL). */
  env?: Record<string, string>;
  /** How long the server and its Janus may take to report media ready (default 45 s). */
  readyTimeoutMs?: number;
  /** Wait for `media: ready` (default true); API-only tests can skip it. */
  waitForMedia?: boolean;
  /**
   * Which web app to serve (default `test`); the benchmark measures the production build. `none`
   * serves none and builds none: for API-only runs (bench/chat), which need no page.
   */
  web?: WebBuild | 'none';
  /** Listen on this port (default: a free one). */
  port?: number;
  /**
   * The host name of the URL the server is reached at and calls its own (CONCLAVE_PUBLIC_URL); it
   * listens on 127.0.0.1 either way. WebAuthn refuses IP-literal origins, so passkey tests use
   * `localhost`.
   */
  host?: 'localhost';
  /**
   * Listen on this address and be reached at it (CONCLAVE_HOST and the public URL's host), instead of
   * 127.0.0.1: for browsers in a network namespace of their own (cut-link.ts).
   */
  address?: string;
  /**
   * Serve HTTPS itself with this certificate and key (CONCLAVE_TLS_CERT, CONCLAVE_TLS_KEY); the URL is
   * then https://. This process must trust the certificate (support/https.ts) to see it get ready.
   */
  tls?: { certFile: string; keyFile: string };
}

/**
 * The real server, run from its TypeScript source with tsx (`node --import tsx
 * packages/server/src/main.ts`): always the code under test, never a stale bundle. It gets its own
 * data folder (SQLite), a free port, the sandbox's media interface, and a current web app build.
 */
export class TestServer {
  private readonly output: string[] = [];
  private exited: Promise<void>;
  private exitInfo: string | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly port: number,
    private readonly dataDir: string,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.output.push(line);
        if (this.output.length > 400) this.output.shift();
        if (process.env.CONCLAVE_E2E_SERVER_LOG === '1') console.log(`[server] ${line}`);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `signal ${signal}` : `code ${code}`;
        resolve();
      }),
    );
  }

  /** The server's data folder (CONCLAVE_DATA_DIR), e.g. to check what it keeps. */
  get dataFolder(): string {
    return this.dataDir;
  }

  static async start(options: StartServerOptions = {}): Promise<TestServer> {
    const web = options.web ?? 'test';
    const webDir = web === 'none' ? null : ensureWebBuild(web);
    const dataDir = await mkdtemp(join(tmpdir(), 'conclave-e2e-'));
    const port = options.port ?? (await freePort());
    const scheme = options.tls ? 'https' : 'http';
    const url = `${scheme}://${options.address ?? options.host ?? '127.0.0.1'}:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CONCLAVE_HOST: options.address ?? '127.0.0.1',
      CONCLAVE_PORT: String(port),
      CONCLAVE_PUBLIC_URL: url,
      CONCLAVE_DATA_DIR: dataDir,
      ...(webDir && { CONCLAVE_WEB_DIR: webDir }),
      CONCLAVE_LOG_LEVEL: process.env.CONCLAVE_E2E_SERVER_LOG_LEVEL ?? 'info',
      // Servers run side by side here, and an embedded coturn each would contend for port 3478: only
      // the tests that relay start one (NET-TURN), on ports of their own.
      CONCLAVE_TURN: 'off',
      ...(options.tls && { CONCLAVE_TLS_CERT: options.tls.certFile, CONCLAVE_TLS_KEY: options.tls.keyFile }),
      ...(process.env.CONCLAVE_MEDIA_INTERFACE
        ? { CONCLAVE_MEDIA_INTERFACE: process.env.CONCLAVE_MEDIA_INTERFACE }
        : {}),
      ...options.env,
    };
    delete env.DATABASE_URL;
    if (options.env?.DATABASE_URL) env.DATABASE_URL = options.env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new TestServer(child, url, port, dataDir);
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
    try {
      await server.waitReady(options.readyTimeoutMs ?? 45_000, options.waitForMedia ?? true);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private async waitReady(timeoutMs: number, media: boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exitInfo)
        throw new Error(`server exited (${this.exitInfo}) before it was ready\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        const body = (await res.json()) as HealthView;
        last = JSON.stringify(body);
        if (!media || body.media === 'ready') return;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server not ready within ${timeoutMs} ms (last health: ${last})\n${this.logTail()}`);
  }

  /** The last lines the server printed, for failure messages. */
  logTail(lines = 60): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Every line the server printed so far (bounded), e.g. to check nothing crashed. */
  logLines(): string[] {
    return [...this.output];
  }

  /** The server's process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Process ids of the Janus processes this server started (its children named janus). */
  janusPids(): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // "pid (comm) state ppid …" — comm may contain spaces, so split after the last ')'.
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === this.pid && comm.startsWith('janus')) pids.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return pids;
  }

  /** The RTP port range a Janus of this server was configured with (each embedded server has its own). */
  janusRtpPorts(pid: number): { min: number; max: number } {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const config = argv[argv.indexOf('-C') + 1];
    const found =
      config === undefined ? null : /rtp_port_range = "(\d+)-(\d+)"/.exec(readFileSync(config, 'utf8'));
    if (!found) throw new Error(`no RTP port range in the configuration of Janus ${pid}`);
    return { min: Number(found[1]), max: Number(found[2]) };
  }

  /** Current health as the server reports it. */
  async health(): Promise<HealthView> {
    return (await (await fetch(`${this.url}/api/health`)).json()) as HealthView;
  }

  /** Kills the process outright (SIGKILL), as a crash would; resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.exitInfo === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.exitInfo === null;
  }

  /** The first-run setup link the server wrote for its operator (with its one-time token). */
  async setupLink(): Promise<string> {
    const file = join(this.dataDir, 'setup-link');
    for (let waited = 0; ; waited += 50) {
      try {
        return (await readFile(file, 'utf8')).trim();
      } catch (err) {
        if (waited > 10_000) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.exitInfo === null) {
      this.child.kill('SIGTERM');
      const force = setTimeout(() => this.child.kill('SIGKILL'), 12_000);
      await this.exited;
      clearTimeout(force);
    }
    await rm(this.dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Newest modification time under a folder (files only), skipping build output and dependencies. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, e.name)));
  }
  return newest;
}

const webBuildsChecked = new Set<WebBuild>();

/**
 * Builds the web app with `node scripts/build.mjs` when this build of it is missing or older than
 * the web app, SDK, E2EE or protocol sources, so the browser always runs the current code. Returns the
 * folder it is in.
 */
export function ensureWebBuild(kind: WebBuild): string {
  const { dir, buildArgs } = WEB_BUILDS[kind];
  if (webBuildsChecked.has(kind)) return dir;
  const built = existsSync(join(dir, 'index.html')) ? statSync(join(dir, 'index.html')).mtimeMs : 0;
  const sources = Math.max(
    ...[
      'apps/web/src',
      'apps/web/index.html',
      'apps/web/vite.config.ts',
      'packages/client/src',
      'packages/e2ee/src',
      'packages/protocol/src',
    ].map((p) => newestMtime(join(ROOT, p))),
  );
  if (built === 0 || sources > built) {
    console.log(`[e2e] building the ${kind} web app (${built === 0 ? 'no build yet' : 'sources changed'})`);
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), ...buildArgs], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0)
      throw new Error(`node scripts/build.mjs ${buildArgs.join(' ')} failed (exit ${r.status})`);
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`the build produced no ${dir}/index.html`);
  }
  webBuildsChecked.add(kind);
  return dir;
}
