import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_IP, SANDBOX_PEER } from '../../../scripts/sandbox.mjs';
import { chromiumThrough } from './browser';

/** Where the media server's ICE candidates are: the sandbox's media interface (scripts/sandbox.mjs). */
const MEDIA_ADDRESS = process.env.CONCLAVE_MEDIA_IP ?? SANDBOX_IP;
/** The browser's address on the media link. */
const BROWSER_MEDIA_ADDRESS = '10.77.0.2';

/** What a cut stops: the media (to Janus), the signaling and the page (to the server), or both. */
export type Cut = 'media' | 'signaling' | 'all';

/**
 * One browser's own network (MEET-RECONNECT): a network namespace inside the test's sandbox, and a
 * Chromium launcher that runs Chromium in there. It reaches the server through a veth pair of its own
 * (`cutA<index>` 10.79.<index>.1 outside, where the server listens, `cutB<index>` 10.79.<index>.2
 * inside) and Janus through the sandbox's media link, whose free end (`media1`) it borrows as
 * 10.77.0.2: Janus sends only out of the media interface (its `ice_enforce_list`), so its peers must
 * be on that link. The end goes back to the sandbox on `close()`. Only this browser's traffic crosses
 * these links, so only it can be cut.
 *
 * A cut adds blackhole routes inside the namespace: packets to the server or to Janus are dropped,
 * and with strict reverse-path filtering their answers are dropped on the way in too, so both
 * directions stop, as when a network goes away. The interfaces stay up: a link going down would also
 * tell Chromium its network changed, which is another story (a new network, not a lost one).
 */
export class CutLink {
  private readonly cuts = new Set<string>();
  /** The sandbox's media link end is in this namespace, to be given back. */
  private borrowed = false;

  private constructor(
    private readonly namespace: string,
    private readonly device: string,
    /** The server's address as this browser reaches it. */
    readonly serverAddress: string,
    private readonly scratch: string,
    /** Runs Chromium inside the namespace; give it to TestBrowser.launch as `executablePath`. */
    readonly chromium: string,
  ) {}

  static async open(index: number): Promise<CutLink> {
    const namespace = `conclave-cut-${process.pid}-${index}`;
    const outside = `cutA${index}`;
    const inside = `cutB${index}`;
    const serverAddress = `10.79.${index}.1`;
    const scratch = await mkdtemp(join(tmpdir(), 'conclave-cut-'));
    const chromium = await chromiumThrough(scratch, 'chromium-in-namespace', `ip netns exec ${namespace}`);
    const link = new CutLink(namespace, outside, serverAddress, scratch, chromium);
    // A named namespace outlives the process: one killed halfway still removes it.
    process.once('exit', () => spawnSync('ip', ['netns', 'del', namespace]));
    try {
      run('ip', ['netns', 'add', namespace]);
      run('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
      run('ip', ['link', 'set', inside, 'netns', namespace]);
      run('ip', ['addr', 'add', `${serverAddress}/24`, 'dev', outside]);
      run('ip', ['link', 'set', outside, 'up']);
      const ns = ['-n', namespace];
      run('ip', [...ns, 'link', 'set', 'lo', 'up']);
      run('ip', [...ns, 'addr', 'add', `10.79.${index}.2/24`, 'dev', inside]);
      run('ip', [...ns, 'link', 'set', inside, 'up']);
      run('ip', [...ns, 'route', 'add', 'default', 'via', serverAddress]);
      run('ip', ['link', 'set', SANDBOX_PEER, 'netns', namespace]);
      link.borrowed = true;
      run('ip', [...ns, 'addr', 'add', `${BROWSER_MEDIA_ADDRESS}/24`, 'dev', SANDBOX_PEER]);
      run('ip', [...ns, 'link', 'set', SANDBOX_PEER, 'up']);
      run('ip', [
        'netns',
        'exec',
        namespace,
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.conf.all.rp_filter=1',
        `net.ipv4.conf.${inside}.rp_filter=1`,
        `net.ipv4.conf.${SANDBOX_PEER}.rp_filter=1`,
      ]);
    } catch (err) {
      await link.close();
      throw err;
    }
    return link;
  }

  /** Stops traffic to Janus (`media`), to the server (`signaling`: page, API and socket), or both. */
  cut(what: Cut): void {
    for (const address of this.addresses(what)) {
      if (this.cuts.has(address)) continue;
      run('ip', ['-n', this.namespace, 'route', 'add', 'blackhole', `${address}/32`]);
      this.cuts.add(address);
    }
  }

  /**
   * Drops what this browser sends that matches any of these nftables matches (for example
   * `meta l4proto udp`, a network that lets no UDP out, or `tcp dport 3478`), until called again;
   * none lets everything out again (NET-TURN).
   */
  firewall(matches: readonly string[]): void {
    const nft = (...args: string[]) => run('ip', ['netns', 'exec', this.namespace, 'nft', ...args]);
    spawnSync('ip', ['netns', 'exec', this.namespace, 'nft', 'delete', 'table', 'inet', 'conclave_test']);
    if (matches.length === 0) return;
    nft('add', 'table', 'inet', 'conclave_test');
    nft('add', 'chain', 'inet', 'conclave_test', 'out', '{ type filter hook output priority 0 ; }');
    for (const match of matches)
      nft('add', 'rule', 'inet', 'conclave_test', 'out', ...match.split(' '), 'drop');
  }

  /** Lets everything through again. */
  restore(): void {
    for (const address of [...this.cuts]) {
      run('ip', ['-n', this.namespace, 'route', 'del', 'blackhole', `${address}/32`]);
      this.cuts.delete(address);
    }
  }

  /** Gives the media link's end back, removes the namespace (and with it the veth pair) and the launcher. */
  async close(): Promise<void> {
    if (this.borrowed) {
      // Deleting the namespace with it inside would delete the pair, media0 included.
      spawnSync('ip', ['-n', this.namespace, 'link', 'set', SANDBOX_PEER, 'netns', String(process.pid)]);
      spawnSync('ip', ['link', 'set', SANDBOX_PEER, 'up']);
      this.borrowed = false;
    }
    spawnSync('ip', ['netns', 'del', this.namespace]);
    spawnSync('ip', ['link', 'del', this.device]);
    await rm(this.scratch, { recursive: true, force: true });
  }

  private addresses(what: Cut): string[] {
    if (what === 'media') return [MEDIA_ADDRESS];
    if (what === 'signaling') return [this.serverAddress];
    return [MEDIA_ADDRESS, this.serverAddress];
  }
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}
