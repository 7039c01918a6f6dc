import type { Page } from 'playwright-core';

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
