import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BARESIP_BINARY = '/usr/bin/baresip';
const MODULES = '/usr/lib/baresip/modules';

/** RTP packets baresip counted for one medium over a whole call (its `rtp_stats` at hang-up). */
interface RtpCount {
  sent: number;
  received: number;
}

export interface BaresipCallStats {
  audio: RtpCount;
  video: RtpCount;
}

/** Why baresip cannot run here, or null when it can. */
export function baresipUnavailableReason(): string | null {
  if (!existsSync(BARESIP_BINARY))
    return 'baresip is not installed; node scripts/setup.mjs --for-tests installs it';
  for (const m of ['fakevideo', 'ausine', 'aufile', 'srtp', 'opus', 'vp8']) {
    if (!existsSync(join(MODULES, `${m}.so`))) return `baresip's ${m} module is missing (${MODULES})`;
  }
  return null;
}

export interface BaresipOptions {
  /** The local address it binds (a non-loopback one inside the test's namespace). */
  ip: string;
  /** Our SIP proxy's TLS address, e.g. `10.77.0.1:5061`. */
  proxy: string;
  /** CA certificate file it trusts for the proxy's TLS. */
  caFile: string;
  /** Its account, e.g. `"Room 101" <sip:room101@example.org>`. */
  account: string;
  /** `srtp-mand` (SDES-SRTP only) by default; `none` for plain RTP. */
  mediaenc?: 'srtp-mand' | 'none';
  /** Sends this WAV file (48 kHz, 2 channels) instead of a 440 Hz sine: a phone typing keys, say. */
  audioFile?: string;
  /** False: audio only, like a phone (default: a video endpoint). */
  video?: boolean;
}

/**
 * baresip as a standards-based SIP video endpoint (INTEROP-SIP tests): a 440 Hz sine (ausine, Opus
 * at 48 kHz — ausine supports nothing else, so G.711 is not loaded) and a moving test picture
 * (fakevideo, VP8), SIP over TLS to our proxy, SDES-SRTP. Its stdin takes commands (`/dial …`).
 */
export class Baresip {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    const collect = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  static async start(options: BaresipOptions): Promise<Baresip> {
    const dir = await mkdtemp(join(tmpdir(), 'conclave-baresip-'));
    const video = options.video ?? true;
    const modules = [
      'stdio',
      'opus',
      'aubridge',
      'srtp',
      options.audioFile ? 'aufile' : 'ausine',
      ...(video ? ['vp8', 'fakevideo'] : []),
    ];
    const config = [
      'poll_method epoll',
      `sip_listen ${options.ip}:0`,
      `sip_cafile ${options.caFile}`,
      // Nothing plays what it hears: aubridge to a device nobody reads.
      'audio_player aubridge,nowhere',
      'audio_alert aubridge,nowhere',
      options.audioFile ? `audio_source aufile,${options.audioFile}` : 'audio_source ausine,440',
      ...(video
        ? [
            'video_source fakevideo,nil',
            'video_display fakevideo,nil',
            'video_size 320x240',
            'video_bitrate 300000',
            'video_fps 15',
          ]
        : []),
      'rtp_stats yes',
      'statmode_default off',
      `module_path ${MODULES}`,
      ...modules.map((m) => `module ${m}.so`),
      'module_app account.so',
      'module_app menu.so',
      '',
    ].join('\n');
    const mediaenc = options.mediaenc ?? 'srtp-mand';
    const account = `${options.account};regint=0;${mediaenc === 'none' ? '' : `mediaenc=${mediaenc};`}audio_codecs=opus;${video ? 'video_codecs=VP8;' : ''}outbound="sip:${options.proxy};transport=tls"\n`;
    await writeFile(join(dir, 'config'), config);
    await writeFile(join(dir, 'accounts'), account);
    const child = spawn(BARESIP_BINARY, ['-f', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const baresip = new Baresip(child, dir);
    await baresip.waitFor(/baresip is ready/, 10_000);
    return baresip;
  }

  /** What it printed so far (SRTP keys included: keep it out of test output unless a test fails). */
  get log(): string {
    return this.output;
  }

  command(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Resolves once its output matches, or rejects after `ms` with the tail of its output. */
  async waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`baresip did not print ${pattern} within ${ms} ms:\n${this.output.slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The RTP counts it printed when its call ended. */
  async callStats(ms = 10_000): Promise<BaresipCallStats> {
    const count = /packets:\s+(\d+)\s+(\d+)/g;
    const block = await this.waitFor(
      /audio\s+Transmit:[\s\S]*?video\s+Transmit:[\s\S]*?packets:[^\n]*\n/,
      ms,
    );
    const [audio, video] = [...block[0].matchAll(count)].map((m) => ({
      sent: Number(m[1]),
      received: Number(m[2]),
    }));
    if (!audio || !video) throw new Error(`cannot read baresip's RTP counts:\n${block[0]}`);
    return { audio, video };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await this.exited;
      clearTimeout(killer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
