// The rotation benchmark in browsers: an E2EE call of `size` Chromium pages on the real server and
// Janus; a guest leaves, and the time until every remaining page's frames go out under the new epoch
// (E2eeState.sendingEpoch, set by the media worker when the first frame under it is encrypted) is
// taken from the leave click. Each leaver's place is then taken by a new guest, so every leave
// starts from a call of `size`.
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../../test/e2e/support/browser';
import type { TestServer } from '../../test/e2e/support/server';
import { Call } from './call';

export interface BrowserRotation {
  /** From the leave click until the last remaining page sends under the new epoch: the figure. */
  allSendingMs: number;
  /** … until the last remaining page holds the new epoch (it processed the commit). */
  allHoldMs: number;
  /** … until the first remaining page sends under it. */
  firstSendingMs: number;
  epoch: number;
}

/** What a page noted of its E2EE state: when it first held, and first sent under, each epoch. */
interface Switches {
  held: Record<number, number>;
  sending: Record<number, number>;
}

async function recordSwitches(page: Page): Promise<void> {
  await page.evaluate(() => {
    type State = { epoch: number | null; sendingEpoch: number | null };
    const w = window as unknown as {
      __conclave: { room: { on(event: 'e2eeChanged', listener: (s: State) => void): () => void } };
      __switches?: { held: Record<number, number>; sending: Record<number, number> };
    };
    if (w.__switches) return;
    const switches: { held: Record<number, number>; sending: Record<number, number> } = {
      held: {},
      sending: {},
    };
    w.__switches = switches;
    w.__conclave.room.on('e2eeChanged', (s) => {
      if (s.epoch !== null) switches.held[s.epoch] ??= Date.now();
      if (s.sendingEpoch !== null) switches.sending[s.sendingEpoch] ??= Date.now();
    });
  });
}

const switchesOf = (page: Page): Promise<Switches> =>
  page.evaluate(() => (window as unknown as { __switches: Switches }).__switches);

export async function measureBrowserRotations(
  browser: TestBrowser,
  server: TestServer,
  size: number,
  leaves: number,
  log: (line: string) => void,
  /** Where each leave's figures go as soon as they are taken, so a later failure keeps them. */
  out: BrowserRotation[],
): Promise<void> {
  // Beyond 3, microphones only: see Call.start.
  const call = await Call.start(browser, server, { e2ee: true, size, cameras: size <= 3 });
  try {
    for (let i = 0; i < leaves; i++) {
      const epoch = (await call.waitForOneEpoch()) + 1;
      // Let the media settle after the last join (new receivers, key frames) before the leave.
      await call.waitForMedia();
      await Promise.all(call.people.map((p) => recordSwitches(p.page)));
      const guests = call.people.filter((p) => p.name !== 'owner');
      const leaver = guests[Math.floor(Math.random() * guests.length)]!;
      const leftAt = await call.leave(leaver);
      const deadline = Date.now() + 15_000;
      let seen: Switches[];
      for (;;) {
        seen = await Promise.all(call.people.map((p) => switchesOf(p.page)));
        if (seen.every((s) => s.sending[epoch] !== undefined)) break;
        if (Date.now() > deadline)
          throw new Error(`not every page sent under epoch ${epoch} within 15 s: ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const sending = seen.map((s) => s.sending[epoch]! - leftAt);
      const rotation = {
        allSendingMs: Math.max(...sending),
        allHoldMs: Math.max(...seen.map((s) => (s.held[epoch] ?? NaN) - leftAt)),
        firstSendingMs: Math.min(...sending),
        epoch,
      };
      out.push(rotation);
      log(`${size} browsers, leave ${i + 1}: all sending epoch ${epoch} after ${rotation.allSendingMs} ms`);
      if (i + 1 < leaves) await call.addGuest();
    }
  } finally {
    await call.close();
  }
}
