import type { Page } from 'playwright-core';
import type { InMeeting } from './checks';
import { sleep } from './media';

/** What the SDK's `room.e2ee` says in a page, as plain data. */
export interface E2eeView {
  status: string;
  epoch: number | null;
  /** The epoch this client's frames really go out under. */
  sendingEpoch: number | null;
  securityCode: string | null;
  ownCodeword: string;
  /** Codewords of the group's members, by participant id. */
  codewords: Record<string, string>;
}

/** `window.__conclave.room.e2ee` (test build of the web app); null outside an E2EE meeting. */
export async function e2eeOf(page: Page): Promise<E2eeView | null> {
  return page.evaluate(() => {
    type Cw = { text: string };
    const w = window as unknown as {
      __conclave?: {
        room?: {
          e2ee: {
            status: string;
            epoch: number | null;
            sendingEpoch: number | null;
            securityCode: { text: string } | null;
            ownCodeword: Cw;
            codewords: Map<string, Cw>;
          } | null;
        };
      };
    };
    const e = w.__conclave?.room?.e2ee;
    if (!e) return null;
    return {
      status: e.status,
      epoch: e.epoch,
      sendingEpoch: e.sendingEpoch,
      securityCode: e.securityCode?.text ?? null,
      ownCodeword: e.ownCodeword.text,
      codewords: Object.fromEntries([...e.codewords].map(([id, c]) => [id, c.text])),
    };
  });
}

/** Waits until every page is a member of one group (same epoch and security code) holding everyone. */
export async function waitForOneGroup(people: readonly InMeeting[], timeoutMs = 20_000): Promise<E2eeView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(people.map((p) => e2eeOf(p.page)));
    const agreed =
      views.every((v) => v?.status === 'member' && Object.keys(v.codewords).length === people.length) &&
      new Set(views.map((v) => `${v?.epoch} ${v?.securityCode}`)).size === 1;
    if (agreed) return views as E2eeView[];
    if (Date.now() > deadline) throw new Error(`no common group: ${JSON.stringify(views)}`);
    await sleep(200);
  }
}

/**
 * Routes the page's signaling socket so that its admission never arrives: the page gets into the
 * meeting (and the Janus room) but never into the encrypted group. Call before it joins.
 */
export async function withholdAdmission(page: Page): Promise<void> {
  await page.routeWebSocket(/\/api\/signal/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => upstream.send(m));
    upstream.onMessage((m) => {
      if (typeof m === 'string' && m.includes('"type":"e2eeAdmitted"')) return;
      ws.send(m);
    });
  });
}

/** An epoch's keys as the page gave them to its media worker (`install`), in plain data. */
export interface CapturedEpochKeys {
  epoch: string;
  baseKey: number[];
  ownLeaf: number;
}

/**
 * Records every epoch key the page hands its media worker, as a member that leaves would keep them.
 * Call before the page loads; read them with `capturedKeys`.
 */
export async function captureEpochKeys(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __epochKeys: CapturedEpochKeys[] };
    w.__epochKeys = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
      const m = message as { type?: string; epoch?: bigint; baseKey?: Uint8Array; ownLeaf?: number };
      if (m?.type === 'install' && m.baseKey && m.epoch !== undefined) {
        w.__epochKeys.push({
          epoch: String(m.epoch),
          baseKey: Array.from(m.baseKey),
          ownLeaf: m.ownLeaf ?? -1,
        });
      }
      Reflect.apply(post, this, [message, ...rest]);
    } as typeof Worker.prototype.postMessage;
  });
}

export function capturedKeys(page: Page): Promise<CapturedEpochKeys[]> {
  return page.evaluate(() => (window as unknown as { __epochKeys: CapturedEpochKeys[] }).__epochKeys);
}

/** Keeps a handle on the page's E2EE media worker, so that `giveKeys` can hand it keys. Before load. */
export async function exposeMediaWorker(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        if (options?.name === 'conclave-e2ee-media') {
          (window as unknown as { __mediaWorker: Worker }).__mediaWorker = this;
        }
      }
    };
  });
}

/** Installs keys in the page's media worker (exposed by `exposeMediaWorker`), as if they were its own. */
export async function giveKeys(page: Page, keys: CapturedEpochKeys[]): Promise<void> {
  await page.evaluate((all) => {
    const worker = (window as unknown as { __mediaWorker?: Worker }).__mediaWorker;
    if (!worker) throw new Error('no E2EE media worker in this page');
    for (const k of all) {
      worker.postMessage({
        type: 'install',
        epoch: BigInt(k.epoch),
        baseKey: new Uint8Array(k.baseKey),
        ownLeaf: k.ownLeaf,
      });
    }
  }, keys);
}
