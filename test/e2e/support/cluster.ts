import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  removeJanusConfig,
  writeJanusConfig,
  type GeneratedJanusConfig,
} from '../../../packages/server/src/media/janus-config';
import { startThrowawayPostgres } from '../../../scripts/lib/postgres.mjs';
import { startThrowawayRedis } from '../../../scripts/lib/redis.mjs';
import type { Participant, TestBrowser } from './browser';
import { TestLoadBalancer } from './haproxy';
import { freePort } from './ports';
import { TestServer } from './server';
import { sleep } from './media';

const JANUS_BINARY = process.env.CONCLAVE_JANUS_BINARY ?? '/usr/bin/janus';

/** One Janus run as an operator would: its own configuration, reached by every node over its API. */
class ExternalJanus {
  private constructor(
    readonly config: GeneratedJanusConfig,
    private readonly child: ChildProcess,
  ) {}

  static async start(rtpPortRange: { min: number; max: number }, apiSecret: string): Promise<ExternalJanus> {
    const config = await writeJanusConfig({
      wsPort: await freePort(),
      rtpPortRange,
      iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
      debugLevel: 3,
      apiSecret,
      adminKey: apiSecret,
    });
    const child = spawn(
      JANUS_BINARY,
      ['-C', `${config.configsFolder}/janus.jcfg`, '-F', config.configsFolder],
      {
        stdio: 'ignore',
      },
    );
    const janus = new ExternalJanus(config, child);
    const deadline = Date.now() + 15_000;
    while (!(await accepts(config.wsPort))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await janus.stop();
        throw new Error(`Janus did not start (exit ${child.exitCode})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return janus;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    await removeJanusConfig(this.config);
  }
}

async function accepts(port: number): Promise<boolean> {
  try {
    // Any HTTP answer means the WebSocket transport listens.
    await fetch(`http://127.0.0.1:${port}/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Conclave as a scaled-out deployment (NET-SCALE), all on this machine inside the sandbox: one
 * PostgreSQL, one Redis, two Janus, `nodes` control-plane processes, and HAProxy in front. `url` is
 * the address users use (the balancer); each node's own URL is `nodes[i].url`.
 */
export class TestCluster {
  private constructor(
    readonly nodes: TestServer[],
    readonly balancer: TestLoadBalancer,
    readonly janus: ExternalJanus[],
    private readonly stores: Array<{ stop(): Promise<void> }>,
    /** What every node is started with. */
    private readonly env: Record<string, string>,
  ) {}

  /** Starts node `index` again (killing it first if it still runs), on its port, as a new node. */
  async restart(index: number): Promise<void> {
    const old = this.nodes[index]!;
    if (old.running) await old.kill();
    await old.stop();
    this.nodes[index] = await TestServer.start({ port: old.port, env: this.env });
    // The balancer sends to it again after two good checks 300 ms apart (support/haproxy.ts).
    await sleep(1_000);
  }

  get url(): string {
    return this.balancer.url;
  }

  /** The node names the balancer knows (`node1`…), in `nodes` order. */
  nodeName(index: number): string {
    return `node${index + 1}`;
  }

  /**
   * A browser participant whose requests the balancer sends to node `index` while that node is up (a
   * cookie only the test configuration reads, see haproxy.ts), and to another one when it is not.
   */
  async participantThrough(browser: TestBrowser, name: string, index: number): Promise<Participant> {
    const p = await browser.newParticipant(name);
    await p.context.addCookies([{ name: 'conclave_test_node', value: this.nodeName(index), url: this.url }]);
    return p;
  }

  /**
   * The first-run setup link: the last node's. Each node that starts on a database not set up yet
   * issues a fresh one (kept in the database, so any node accepts it), which replaces the one before.
   */
  async setupLink(): Promise<string> {
    return this.nodes.at(-1)!.setupLink();
  }

  static async start(options: { nodes?: number } = {}): Promise<TestCluster> {
    const stores: Array<{ stop(): Promise<void> }> = [];
    const janus: ExternalJanus[] = [];
    const nodes: TestServer[] = [];
    try {
      const postgres = await startThrowawayPostgres();
      stores.push(postgres);
      const redis = await startThrowawayRedis();
      stores.push(redis);
      const secret = randomBytes(16).toString('hex');
      janus.push(await ExternalJanus.start({ min: 45000, max: 45499 }, secret));
      janus.push(await ExternalJanus.start({ min: 45500, max: 45999 }, secret));
      const ports = await Promise.all(Array.from({ length: options.nodes ?? 3 }, () => freePort()));
      const publicUrl = `http://127.0.0.1:${await freePort()}`;
      const env = {
        DATABASE_URL: postgres.url,
        CONCLAVE_REDIS_URL: redis.url,
        CONCLAVE_JANUS_URLS: janus.map((j) => j.config.wsUrl).join(','),
        CONCLAVE_JANUS_API_SECRET: secret,
        CONCLAVE_PUBLIC_URL: publicUrl,
        CONCLAVE_TRUST_PROXY: '127.0.0.1',
        // One installation: every node unwraps the same data keys (CHAT-AT-REST), as deploy/README.md says.
        CONCLAVE_MASTER_KEY: randomBytes(32).toString('base64'),
      };
      // One at a time: the first one migrates the database.
      for (const port of ports) nodes.push(await TestServer.start({ port, env }));
      const balancer = await TestLoadBalancer.start(
        ports.map((port, i) => ({ name: `node${i + 1}`, port })),
        Number(new URL(publicUrl).port),
      );
      return new TestCluster(nodes, balancer, janus, stores, env);
    } catch (err) {
      await Promise.allSettled(nodes.map((n) => n.stop()));
      await Promise.allSettled(janus.map((j) => j.stop()));
      await Promise.allSettled(stores.reverse().map((s) => s.stop()));
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.balancer.stop();
    await Promise.allSettled(this.nodes.map((n) => n.stop()));
    await Promise.allSettled(this.janus.map((j) => j.stop()));
    for (const store of [...this.stores].reverse()) await store.stop();
  }
}
