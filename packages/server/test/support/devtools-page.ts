import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM_BINARY = '/usr/bin/chromium';

interface Reply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * One blank page of a headless Debian Chromium, driven over its DevTools pipe (as the recorder's
 * browser is, src/common/headless-browser.ts) with nothing but `Runtime.evaluate`: enough for a
 * test to run WebRTC in a real browser without a web server.
 */
export class DevtoolsPage {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private sessionId = '';
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    let buffered = '';
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('error', () => undefined);
    out.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\0')) >= 0) {
        const reply = JSON.parse(buffered.slice(0, end)) as Reply;
        buffered = buffered.slice(end + 1);
        if (reply.id !== undefined) this.waiting.get(reply.id)?.(reply);
      }
    });
    (child.stdio[3] as Writable).on('error', () => undefined);
  }

  static async open(): Promise<DevtoolsPage> {
    const profile = await mkdtemp(join(tmpdir(), 'conclave-devtools-'));
    const child = spawn(
      CHROMIUM_BINARY,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
        '--mute-audio',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const page = new DevtoolsPage(child, profile);
    const target = await page.send('Target.createTarget', { url: 'about:blank' });
    const attached = await page.send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
    page.sessionId = String(attached.sessionId);
    return page;
  }

  /** Evaluates an expression (a promise is awaited) in the page and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = await this.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      this.sessionId,
    );
    const thrown = reply.exceptionDetails as
      { exception?: { description?: string }; text?: string } | undefined;
    if (thrown) throw new Error(`page threw: ${thrown.exception?.description ?? thrown.text ?? 'unknown'}`);
    return (reply.result as { value: T }).value;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await this.exited;
      clearTimeout(killer);
    }
    await rm(this.profile, { recursive: true, force: true });
  }

  private send(method: string, params: object, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`Chromium did not answer ${method} in time`));
      }, 15_000);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result ?? {});
      });
      const message = { id, method, params, ...(sessionId && { sessionId }) };
      (this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }
}
