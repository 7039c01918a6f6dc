import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A simulated region's address, inside the test's network namespace (NET-REGIONS): a veth link of its
 * own with 10.78.<index>.1 on it, where a TCP relay listens and forwards to the server, holding every
 * chunk for `delay` ms each way, so a browser reaching the server through this address sees that much
 * more round trip (twice the delay). The delay is the relay's because this kernel has no `sch_netem`
 * (`tc qdisc … netem` answers "Specified qdisc kind is unknown"); `tbf`, the one shaper it has, delays
 * by packet size and only once its bucket is empty, so it cannot stand for distance. Nothing leaves
 * the machine: the link and the relay live in the sandbox namespace and go with it.
 */
export class RegionLink {
  private delayMs: number;
  private readonly sockets = new Set<Socket>();

  private constructor(
    /** What a region's probe URL names. */
    readonly address: string,
    private readonly device: string,
    private readonly relay: Server,
    delayMs: number,
  ) {
    this.delayMs = delayMs;
  }

  /** Link `index` (1–250): relays `address:port` to `targetPort` on loopback, `delayMs` each way. */
  static async open(index: number, delayMs: number, port: number, targetPort: number): Promise<RegionLink> {
    const device = `region${index}`;
    const address = `10.78.${index}.1`;
    run('ip', ['link', 'add', device, 'type', 'veth', 'peer', 'name', `${device}p`]);
    const relay = createServer();
    const link = new RegionLink(address, device, relay, delayMs);
    try {
      run('ip', ['addr', 'add', `${address}/24`, 'dev', device]);
      run('ip', ['link', 'set', device, 'up']);
      run('ip', ['link', 'set', `${device}p`, 'up']);
      relay.on('connection', (client) => link.forward(client, targetPort));
      relay.listen(port, address);
      await once(relay, 'listening');
    } catch (err) {
      await link.close();
      throw err;
    }
    return link;
  }

  /** Changes the delay of everything sent from now on. */
  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  /** Stops the relay and removes the link (both ends go together). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.relay.listening) await new Promise((resolve) => this.relay.close(resolve));
    spawnSync('ip', ['link', 'del', this.device]);
  }

  private forward(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', end).on('close', () => {
        this.sockets.delete(socket);
        end();
      });
    }
    this.delayed(client, upstream);
    this.delayed(upstream, client);
  }

  /** Copies `from` to `to`, each chunk `delayMs` later than it came, in order even if the delay changes. */
  private delayed(from: Socket, to: Socket): void {
    let lastDue = 0;
    from.on('data', (chunk: Buffer) => {
      const due = Math.max(Date.now() + this.delayMs, lastDue);
      lastDue = due;
      setTimeout(() => to.destroyed || to.write(chunk), due - Date.now());
    });
    from.on('end', () => setTimeout(() => to.destroyed || to.end(), Math.max(0, lastDue - Date.now())));
  }
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}
