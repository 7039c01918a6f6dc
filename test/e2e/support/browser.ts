import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CAMERA_CODES, installMarkedCamera } from './camera';

/** Debian's Chromium; `npx playwright install` cannot work here. Override with CONCLAVE_CHROMIUM. */
const CHROMIUM_PATH = process.env.CONCLAVE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Writes, in `dir`, a script that starts Chromium through `command` (e.g. `nice -n 10`), for
 * TestBrowser.launch's `executablePath`; returns its path.
 */
export async function chromiumThrough(dir: string, name: string, command: string): Promise<string> {
  const path = join(dir, `${name}.sh`);
  await writeFile(path, `#!/bin/sh\nexec ${command} ${CHROMIUM_PATH} "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * The flags DESIGN.md lists as working here. Playwright adds `--user-data-dir` itself, pointing at a
 * fresh temporary profile per launch (passing our own is refused by `launch()`), so the profile is
 * always fresh; `--headless` is also what `headless: true` adds, listed to keep the list complete.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
] as const;

export interface LaunchOptions {
  /** Extra Chromium switches, e.g. `--use-file-for-fake-video-capture=…`. */
  extraArgs?: string[];
  /** Forward page console messages and errors to stdout (handy when a test fails). */
  logConsole?: boolean;
  /** Another Chromium launcher, e.g. one that runs it in a network namespace of its own (cut-link.ts). */
  executablePath?: string;
}

export interface ParticipantOptions {
  /** Resolves relative `page.goto` URLs. */
  baseURL?: string;
  /**
   * Paint a per-participant code on the fake camera (see camera.ts) so streams can be told apart
   * by their pictures. Default true; the benchmark turns it off to measure the untouched path.
   */
  distinctCamera?: boolean;
  /**
   * Which of CAMERA_CODES to paint (default: the next one in this browser). Participants of different
   * browsers must not share one, or their pictures could not be told apart.
   */
  cameraCode?: number;
  /**
   * Accept any TLS certificate in this context. Only for test servers with a throwaway certificate
   * (packages/server/test/support/tls.ts), where the browser's trust is not what is being tested.
   */
  ignoreHttpsErrors?: boolean;
}

export interface Participant {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Index into CAMERA_CODES of this participant's camera, or null for the plain fake camera. */
  cameraCode: number | null;
}

/**
 * One Chromium per test file; one context (separate cookies, storage and camera capture) per
 * participant. `close()` is idempotent and never throws, so it can sit in `after()` even when
 * launching failed halfway.
 */
export class TestBrowser {
  private readonly contexts = new Set<BrowserContext>();
  private closed = false;
  private participants = 0;

  private constructor(
    readonly browser: Browser,
    private readonly options: LaunchOptions,
    private readonly scratch: string,
  ) {}

  static async launch(options: LaunchOptions = {}): Promise<TestBrowser> {
    // Chromium writes crash dumps and shader caches next to its profile; keep them out of /tmp's root.
    const scratch = await mkdtemp(join(tmpdir(), 'conclave-chromium-'));
    const browser = await chromium.launch({
      executablePath: options.executablePath ?? CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])],
      env: { ...process.env, HOME: scratch, XDG_CONFIG_HOME: scratch, XDG_CACHE_HOME: scratch },
      timeout: 60_000,
    });
    return new TestBrowser(browser, options, scratch);
  }

  /** A fresh context with camera and microphone granted, and one page in it. */
  async newParticipant(name: string, options: ParticipantOptions = {}): Promise<Participant> {
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 720 },
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      ...(options.ignoreHttpsErrors && { ignoreHTTPSErrors: true }),
      permissions: ['camera', 'microphone'],
    });
    this.contexts.add(context);
    context.on('close', () => this.contexts.delete(context));
    // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(fn, "name")`;
    // functions serialised into `page.evaluate` then need that helper in the page.
    await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    let cameraCode: number | null = null;
    if (options.distinctCamera !== false) {
      cameraCode = (options.cameraCode ?? this.participants) % CAMERA_CODES.length;
      await context.addInitScript(installMarkedCamera, CAMERA_CODES[cameraCode]);
    }
    this.participants++;
    const page = await context.newPage();
    if (this.options.logConsole || process.env.CONCLAVE_E2E_CONSOLE === '1') {
      page.on('console', (m) => console.log(`[${name} console.${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[${name} pageerror] ${e.message}`));
    }
    return { name, context, page, cameraCode };
  }

  /** Closes every context, then the browser; gives up waiting after a few seconds each. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.contexts].map((c) => withTimeout(c.close(), 5_000).catch(() => undefined)));
    await withTimeout(this.browser.close(), 10_000).catch(() => undefined);
    await rm(this.scratch, { recursive: true, force: true }).catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
