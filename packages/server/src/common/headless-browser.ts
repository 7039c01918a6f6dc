import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Chromium's switches for a page the server runs itself (a recorder, a SIP call's gateway): headless, as root without the sandbox (like the e2e harness,
 * DESIGN.md), nothing fetched from elsewhere, its timers and rendering never throttled although
 * nobody looks at it, media playing without a gesture, and no sound out of the machine.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
  '--mute-audio',
  '--remote-debugging-pipe',
];

/** How long Chromium has to close before it is killed. */
const CLOSE_GRACE_MS = 3_000;

/**
 * The headless Chromium of one page the server runs: a recorder (REC-START) or a SIP call's gateway
 * (INTEROP-SIP). The page it shows carries its token in its address, so the address is handed over its DevTools pipe (file descriptors 3 and 4), never as
 * an argument other users of the machine could read in the process list.
 */
export class HeadlessBrowser {
  /** Settles when the browser has exited, however. */
  readonly exited: Promise<void>;
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /** `purpose` names its profile folder, so its processes can be told apart (bench/recording). */
  static async launch(
    executable: string,
    url: string,
    purpose: 'recorder' | 'sip-gateway',
  ): Promise<HeadlessBrowser> {
    const profile = await mkdtemp(join(tmpdir(), `conclave-${purpose}-`));
    const child = spawn(executable, [...FLAGS, `--user-data-dir=${profile}`], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    const browser = new HeadlessBrowser(child, profile);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    }).catch(async (err: unknown) => {
      await rm(profile, { recursive: true, force: true });
      throw err;
    });
    // Chromium reads commands from fd 3 and answers on fd 4; answers are not needed, only drained.
    // Once it has exited, the pipes fail: that is the `exited` story, not an error to throw.
    (child.stdio[3] as Writable).on('error', () => undefined);
    (child.stdio[4] as Readable).on('error', () => undefined).resume();
    browser.command('Target.createTarget', { url });
    return browser;
  }

  /** Closes the browser (killed if it does not go in time) and removes its profile. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.command('Browser.close', {});
      const killer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await this.exited;
      clearTimeout(killer);
    }
    await rm(this.profile, { recursive: true, force: true });
  }

  private command(method: string, params: object): void {
    const pipe = this.child.stdio[3] as Writable;
    if (pipe.writable) pipe.write(`${JSON.stringify({ id: this.nextId++, method, params })}\0`);
  }
}
