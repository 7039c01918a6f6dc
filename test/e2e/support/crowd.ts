import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumThrough, TestBrowser } from './browser';
import type { ClientMessage, ServerMessage } from '@conclave/protocol';
import type { CrowdApi, CrowdMedia, SocketStats } from './crowd-page';

export type { CrowdMedia, SocketStats } from './crowd-page';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Members per page. One page held 99 once, but its renderer (about 2.5 GB, one core's worth of
 * encoding) crashed in two runs of three when the machine was loaded; pages of 25 are separate
 * renderer processes and share the work out over the cores.
 */
const MEMBERS_PER_PAGE = 25;
/** The crowd's Chromium runs at this lower priority (see Crowd.open). */
const CROWD_NICENESS = 10;

export interface GrowResult {
  /** Members now in the meeting. */
  size: number;
  /** From the first new member's socket opening to the last one's media flowing. */
  ms: number;
  /** Each new member's own time from opening its socket to its media flowing, sorted. */
  publishMs: number[];
}

let bundled: Promise<string> | null = null;

/** crowd-page.ts and what it imports, bundled by esbuild into one script (once per process). */
function bundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(ROOT, 'test/e2e/support/crowd-page.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

/**
 * Many lightweight publishers in one meeting (issue 17's large meetings), from a Chromium of their
 * own (so their cost shows apart from the people under test): each member its own signaling socket
 * over the real protocol, a tiny canvas video and a quiet oscillator, and no media received (see
 * crowd-page.ts). Members live MEMBERS_PER_PAGE to a page of the server's own origin.
 */
export class Crowd {
  private readonly pages: Page[] = [];
  /** The last member's number (members are numbered from `firstNumber`). */
  private size = 0;
  /** Numbers before the first member's (see `firstNumber`). */
  private numbered = 0;

  private constructor(
    private readonly browser: TestBrowser,
    private readonly scratch: string,
    private readonly context: BrowserContext,
    private readonly serverUrl: string,
    private readonly meetingId: string,
    private readonly listeners: number,
    private readonly media: Partial<CrowdMedia>,
    private readonly signedIn: boolean,
  ) {}

  static async open(
    server: { url: string },
    meetingId: string,
    /**
     * How many of the members (the first ones) answer their subscription offers, as a real client does,
     * and so receive the others' audio; the rest leave offers unanswered and receive nothing (the server
     * then sends them no further offer until it gives up waiting). See crowd-page.ts's Member.listens.
     */
    options: {
      listeners?: number;
      /** What the members publish (crowd-page.ts's defaults: tiny, quiet, cheap). */
      media?: Partial<CrowdMedia>;
      /** Prepares the crowd's browser context before any page opens, e.g. signs it in. */
      prepare?: (context: BrowserContext) => Promise<void>;
      /**
       * Members join as the context's signed-in user (`prepare` signs it in), under the account's name,
       * instead of as guests by name.
       */
      signedIn?: boolean;
      /** The first member's number (its name, colour and tone); 1 by default. */
      firstNumber?: number;
    } = {},
  ): Promise<Crowd> {
    const scratch = await mkdtemp(join(tmpdir(), 'conclave-crowd-'));
    const browser = await TestBrowser.launch({
      // The oscillators play without a click.
      extraArgs: ['--autoplay-policy=no-user-gesture-required'],
      // The crowd stands in for people on machines of their own: on this one it takes only the CPU the
      // browsers under test leave (it took about one of the two cores, and the newcomer starved).
      executablePath: await chromiumThrough(scratch, 'chromium-niced', `nice -n ${CROWD_NICENESS}`),
    });
    try {
      // The Content-Security-Policy that would refuse an injected script is bypassed for these pages only.
      const context = await browser.browser.newContext({ bypassCSP: true });
      // tsx wraps named functions in `__name(…)`; functions serialised into the page may need it.
      await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
      await options.prepare?.(context);
      const crowd = new Crowd(
        browser,
        scratch,
        context,
        server.url,
        meetingId,
        options.listeners ?? 0,
        options.media ?? {},
        options.signedIn ?? false,
      );
      crowd.size = (options.firstNumber ?? 1) - 1;
      crowd.numbered = crowd.size;
      return crowd;
    } catch (err) {
      await browser.close();
      await rm(scratch, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * A page at the server's own origin (the signaling socket's Origin check): a light one, its health
   * answer rather than the web app, with the crowd's script injected.
   */
  private async page(index: number): Promise<Page> {
    while (this.pages.length <= index) {
      const page = await this.context.newPage();
      const n = this.pages.length + 1;
      if (process.env.CONCLAVE_E2E_CONSOLE === '1') {
        page.on('console', (m) => console.log(`[crowd ${n} console.${m.type()}] ${m.text()}`));
        page.on('pageerror', (e) => console.log(`[crowd ${n} pageerror] ${e.message}`));
      }
      await page.goto(`${this.serverUrl}/api/health`);
      await page.addScriptTag({ content: await bundle() });
      await page.waitForFunction(() => 'crowd' in window);
      await page.evaluate((a) => (window as unknown as PageWindow).crowd.configure(a.media, a.signedIn), {
        media: this.media,
        signedIn: this.signedIn,
      });
      this.pages.push(page);
    }
    return this.pages[index]!;
  }

  /**
   * Adds members until the crowd is `size` strong, `batch` joining and publishing in parallel at a
   * time; resolves once every new member's media reaches the media server.
   */
  async grow(size: number, batch = 10): Promise<GrowResult> {
    const start = performance.now();
    const publishMs: number[] = [];
    const last = this.numbered + size;
    while (this.size < last) {
      const numbers = Array.from({ length: Math.min(batch, last - this.size) }, (_, i) => this.size + i + 1);
      const byPage = new Map<number, number[]>();
      for (const n of numbers) {
        const index = Math.floor((n - this.numbered - 1) / MEMBERS_PER_PAGE);
        byPage.set(index, [...(byPage.get(index) ?? []), n]);
      }
      const times = await Promise.all(
        [...byPage].map(async ([index, ns]) =>
          (await this.page(index)).evaluate(
            (a) => (window as unknown as PageWindow).crowd.add(a.id, a.ns, a.listeners),
            { id: this.meetingId, ns, listeners: this.listeners },
          ),
        ),
      );
      publishMs.push(...times.flat());
      this.size += numbers.length;
    }
    return {
      size: this.size - this.numbered,
      ms: Math.round(performance.now() - start),
      publishMs: publishMs.sort((a, b) => a - b),
    };
  }

  /** What each member's socket received and sent since the last reset (bytes, largest frame, types). */
  async signalingStats(): Promise<SocketStats[]> {
    const all = await Promise.all(
      this.pages.map((p) => p.evaluate(() => (window as unknown as PageWindow).crowd.stats())),
    );
    return all.flat();
  }

  async resetSignalingStats(): Promise<void> {
    await Promise.all(
      this.pages.map((p) => p.evaluate(() => (window as unknown as PageWindow).crowd.resetStats())),
    );
  }

  /**
   * The member who is this participant sends a message over its signaling socket; resolves with the
   * first frame it then receives of one of `replyTypes` (or an `error`), or null after `timeoutMs`.
   */
  async request(
    participantId: string,
    message: ClientMessage,
    replyTypes: Array<ServerMessage['type']>,
    timeoutMs = 60_000,
  ): Promise<ServerMessage | null> {
    for (const page of this.pages) {
      const reply = await page.evaluate(
        (a) => (window as unknown as PageWindow).crowd.request(a.id, a.message, a.types, a.timeoutMs),
        { id: participantId, message, types: replyTypes, timeoutMs },
      );
      if (reply !== undefined) return reply;
    }
    throw new Error(`no member of the crowd is participant ${participantId}`);
  }

  /** Who is in the crowd now, by participant id and name. */
  async members(): Promise<Array<{ id: string; name: string }>> {
    return (await this.signalingStats()).flatMap((s) =>
      s.participantId === null ? [] : [{ id: s.participantId, name: s.name }],
    );
  }

  /** One member leaves the meeting, as a person does with "Leave". */
  async leave(participantId: string): Promise<void> {
    await Promise.all(
      this.pages.map((p) =>
        p.evaluate((id) => (window as unknown as PageWindow).crowd.leave(id), participantId),
      ),
    );
  }

  /**
   * Every member leaves; the crowd's browser closes. Never throws, and never waits long on a page that
   * does not answer (a renderer hung under load would otherwise hold a test file's `after` forever).
   */
  async stop(): Promise<void> {
    await Promise.all(
      this.pages.map((p) =>
        Promise.race([
          p.evaluate(() => (window as unknown as PageWindow).crowd.stop()),
          new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
        ]).catch(() => undefined),
      ),
    );
    await this.browser.close();
    await rm(this.scratch, { recursive: true, force: true });
  }
}

/** Functions handed to page.evaluate are serialised: they can name this type, not call helpers. */
interface PageWindow {
  crowd: CrowdApi;
}
