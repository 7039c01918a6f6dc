import type { Locator, Page } from 'playwright-core';
import { cameraVideo, selfTile, tileOf, tiles } from './app';
import {
  MATCH_THRESHOLD,
  MISMATCH_THRESHOLD,
  contrast,
  pearson,
  sleep,
  snapshotTogether,
  waitForGrowth,
} from './media';

/** A participant in a meeting page, as the checks need it. */
export interface InMeeting {
  name: string;
  page: Page;
  id: string;
}

/**
 * Waits until `receiver` decodes `sender`'s camera (framesDecoded grows by 10) and receives their
 * microphone (packetsReceived grows by 10), as the SDK's getMediaStats() reports them.
 */
export async function assertReceives(
  receiver: InMeeting,
  sender: InMeeting,
  timeoutMs = 20_000,
): Promise<void> {
  await waitForGrowth(receiver.page, sender.id, 'camera', {
    counter: 'framesDecoded',
    by: 10,
    timeoutMs,
  }).catch((err: Error) => {
    throw new Error(`${receiver.name} does not decode ${sender.name}'s camera: ${err.message}`);
  });
  await waitForGrowth(receiver.page, sender.id, 'microphone', {
    counter: 'packetsReceived',
    by: 10,
    timeoutMs,
  }).catch((err: Error) => {
    throw new Error(`${receiver.name} does not receive ${sender.name}'s microphone: ${err.message}`);
  });
}

/** The `<video>` showing `sender`'s camera on `receiver`'s page. */
export const remoteVideo = (receiver: InMeeting, sender: InMeeting): Locator =>
  cameraVideo(tileOf(receiver.page, sender.id));
/** A participant's own camera preview in their self tile. */
export const ownVideo = (p: InMeeting): Locator => cameraVideo(selfTile(p.page));

/**
 * Mean Pearson correlation, over `rounds` snapshot rounds ~300 ms apart, between what `receiver`
 * shows for `sender` and each candidate's own preview, snapshotted at the same moment. Returns one
 * mean per candidate, in order.
 */
export async function pictureCorrelations(
  receiver: InMeeting,
  sender: InMeeting,
  candidates: readonly InMeeting[],
  rounds = 3,
): Promise<number[]> {
  const sums = candidates.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    const [remote, ...own] = await snapshotTogether([
      remoteVideo(receiver, sender),
      ...candidates.map((c) => ownVideo(c)),
    ]);
    if (contrast(remote!) < 5) {
      throw new Error(
        `${receiver.name} shows a flat picture for ${sender.name} (contrast ${contrast(remote!).toFixed(1)})`,
      );
    }
    own.forEach((o, i) => (sums[i]! += pearson(remote!.pixels, o.pixels)));
    if (r < rounds - 1) await sleep(300);
  }
  return sums.map((s) => s / rounds);
}

/**
 * Asserts that `receiver` shows `sender`'s picture: correlation with the sender's own preview at
 * least MATCH_THRESHOLD, and with every other candidate's preview below MISMATCH_THRESHOLD.
 */
export async function assertShowsPictureOf(
  receiver: InMeeting,
  sender: InMeeting,
  others: readonly InMeeting[] = [],
): Promise<{ match: number; others: number[] }> {
  const [match, ...rest] = await pictureCorrelations(receiver, sender, [sender, ...others]);
  const describe = () =>
    `${receiver.name}'s picture of ${sender.name}: r=${match!.toFixed(2)} with ${sender.name}` +
    others.map((o, i) => `, r=${rest[i]!.toFixed(2)} with ${o.name}`).join('');
  if (match! < MATCH_THRESHOLD) throw new Error(`${describe()} (needs ≥ ${MATCH_THRESHOLD})`);
  rest.forEach((r, i) => {
    if (r >= MISMATCH_THRESHOLD) {
      throw new Error(`${describe()}: also resembles ${others[i]!.name} (needs < ${MISMATCH_THRESHOLD})`);
    }
  });
  return { match: match!, others: rest };
}

export interface RosterEntry {
  id: string;
  name: string;
  self: boolean;
  micMuted: boolean;
  cameraOff: boolean;
}

/** What a page's gallery shows: one entry per tile, sorted by id. */
export async function roster(page: Page): Promise<RosterEntry[]> {
  const all = await tiles(page).all();
  const entries: RosterEntry[] = [];
  for (const tile of all) {
    entries.push({
      id: (await tile.getAttribute('data-participant-id')) ?? '',
      name: (await tile.getAttribute('aria-label')) ?? '',
      self: (await tile.getAttribute('data-self')) === 'true',
      micMuted: await muteIndicator(tile, 'Microphone muted').isVisible(),
      cameraOff: await muteIndicator(tile, 'Camera off').isVisible(),
    });
  }
  return entries.sort((a, b) => a.id.localeCompare(b.id));
}

/** A tile's mute indicator, whether the app renders it as text, a label or a title. */
export function muteIndicator(tile: Locator, text: 'Microphone muted' | 'Camera off'): Locator {
  return tile
    .getByText(text, { exact: true })
    .or(tile.getByLabel(text, { exact: true }))
    .or(tile.getByTitle(text, { exact: true }))
    .first();
}

/** Waits until `page` shows exactly these participant ids (self included). */
export async function waitForRoster(page: Page, ids: readonly string[], timeoutMs = 15_000): Promise<void> {
  const want = [...ids].sort().join(',');
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await roster(page)).map((e) => e.id).join(',');
    if (seen === want) return;
    await sleep(200);
  }
  throw new Error(`roster: expected [${want}], page shows [${seen}]`);
}
