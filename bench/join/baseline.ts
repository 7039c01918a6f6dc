import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Participant, TestBrowser } from '../../test/e2e/support/browser';
import { measureJoin, type JoinSample } from './measure';

const here = dirname(fileURLToPath(import.meta.url));

export interface JanusAccess {
  url: string;
  apiSecret: string;
  adminKey: string;
}

/** Serves the baseline page on 127.0.0.1 (a secure context, so getUserMedia works). */
async function serveBaseline(): Promise<{ origin: string; server: Server }> {
  const html = await readFile(join(here, 'baseline/index.html'));
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * The minimal Janus page: participant 1 joins once and keeps publishing; each measured join is a
 * fresh context for participant 2.
 */
export class BaselineScenario {
  private host: Participant | null = null;
  private joins = 0;

  private constructor(
    private readonly browser: TestBrowser,
    private readonly janus: JanusAccess,
    private readonly origin: string,
    private readonly server: Server,
    private readonly room: number,
  ) {}

  static async start(browser: TestBrowser, janus: JanusAccess): Promise<BaselineScenario> {
    const { origin, server } = await serveBaseline();
    const room = 1000 + Math.floor(Math.random() * 1_000_000);
    const scenario = new BaselineScenario(browser, janus, origin, server, room);
    await scenario.startHost();
    return scenario;
  }

  private url(name: string, create: boolean): string {
    const hash = new URLSearchParams({
      janus: this.janus.url,
      secret: this.janus.apiSecret,
      adminKey: this.janus.adminKey,
      room: String(this.room),
      name,
      ...(create ? { create: '1' } : {}),
    });
    return `${this.origin}/#${hash.toString()}`;
  }

  private async startHost(): Promise<void> {
    this.host = await this.browser.newParticipant('baseline-host', { distinctCamera: false });
    const page = this.host.page;
    await page.goto(this.url('Host', true));
    await page.getByRole('button', { name: 'Join meeting' }).click({ timeout: 15_000 });
    await page.getByText('joined', { exact: true }).waitFor({ timeout: 15_000 });
  }

  /** One measured join of participant 2, who leaves again afterwards. */
  async join(): Promise<JoinSample> {
    const n = ++this.joins;
    return measureJoin(this.browser, `baseline-${n}`, async (page) => {
      await page.goto(this.url(`Guest ${n}`, false));
      const button = page.getByRole('button', { name: 'Join meeting' });
      await button.waitFor();
      // The camera preview is open before the click, as on the web app's join page.
      await page.waitForFunction(() => !(document.getElementById('join') as HTMLButtonElement).disabled);
      return {
        click: () => button.click(),
        error: () => page.evaluate(() => (window as unknown as { __joinError?: string }).__joinError ?? null),
        leave: () => page.evaluate(() => (window as unknown as { __leave(): void }).__leave()),
      };
    });
  }

  async stop(): Promise<void> {
    await this.host?.context.close().catch(() => undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
