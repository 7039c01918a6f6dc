import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HAPROXY = '/usr/sbin/haproxy';

export interface Backend {
  name: string;
  port: number;
}

/**
 * Debian's HAProxy in front of the control-plane nodes, as deploy/haproxy.cfg sets it up (WebSocket
 * tunnels, /api/ready checks, least connections), plus one thing only tests need: a browser whose
 * `conclave_test_node` cookie names a node is sent to that node while it is up, so a test decides who
 * lands where. A node that is down is passed over, which is how its clients reach another.
 */
export class TestLoadBalancer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private readonly exited: Promise<void>,
  ) {}

  /** Listens on `port` (the nodes' public URL names it), in front of `backends`. */
  static async start(backends: readonly Backend[], port: number): Promise<TestLoadBalancer> {
    if (!existsSync(HAPROXY)) throw new Error('HAProxy is not installed (Debian package haproxy)');
    const dir = await mkdtemp(join(tmpdir(), 'conclave-haproxy-'));
    const config = join(dir, 'haproxy.cfg');
    await writeFile(config, haproxyConfig(port, backends));
    const child = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const balancer = new TestLoadBalancer(child, dir, `http://127.0.0.1:${port}`, exited);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await fetch(`${balancer.url}/api/ready`)).status === 200) return balancer;
      } catch {
        // Not listening yet.
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        await balancer.stop();
        throw new Error(`HAProxy did not start: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
    await rm(this.dir, { recursive: true, force: true });
  }
}

function haproxyConfig(port: number, backends: readonly Backend[]): string {
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  option redispatch
  retries 2

frontend conclave
  bind 127.0.0.1:${port}
  http-request del-header X-Forwarded-For
  option forwardfor
  default_backend nodes

backend nodes
  balance leastconn
  option httpchk GET /api/ready
  http-check expect status 200
  default-server inter 300ms fall 2 rise 2
${backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join('\n')}
${backends.map((b) => `  use-server ${b.name} if { req.cook(conclave_test_node) -m str ${b.name} }`).join('\n')}
`;
}
