import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { selfTile } from './app';
import type { VideoRef } from './media';
import {
  MATCH_THRESHOLD,
  MISMATCH_THRESHOLD,
  contrast,
  pearson,
  sleep,
  roomMediaStats,
  snapshotTogether,
} from './media';

/** A participant in a meeting page, as the checks need it. */
export interface InMeeting {
  name: string;
  page: Page;
  id: string;
}

/** Someone whose media a receiver is checked for: only who they are is needed, not their page. */
export type Sender = Pick<InMeeting, 'name' | 'id'>;

/**
 * Waits until `receiver` decodes `sender`'s camera (framesDecoded grows by 10) and receives their
 * microphone (packetsReceived grows by 10), as the SDK's getMediaStats() reports them.
 */
export async function assertReceives(
  receiver: InMeeting,
  sender: InMeeting,
  timeoutMs = 20_000,
): Promise<void> {
  await assertReceivesAll(receiver, [sender], timeoutMs);
}

/**
 * The same for several senders at once, reading the receiver's stats once per poll: camera
 * framesDecoded and microphone packetsReceived of each sender must grow by at least 10 over the
 * first value seen (a counter that goes down, from a new receiver, starts over). `sources`: which
 * of the two to check (both by default).
 */
export async function assertReceivesAll(
  receiver: InMeeting,
  senders: readonly Sender[],
  timeoutMs = 20_000,
  sources: readonly ('camera' | 'microphone')[] = ['camera', 'microphone'],
): Promise<void> {
  const COUNTER = { camera: 'framesDecoded', microphone: 'packetsReceived' } as const;
  const wants = senders.flatMap((sender) =>
    sources.map((source) => ({
      sender,
      source,
      counter: COUNTER[source],
      first: -1,
      last: -1,
      done: false,
    })),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await roomMediaStats(receiver.page);
    for (const w of wants) {
      if (w.done) continue;
      const s = stats.find((x) => x.participantId === w.sender.id && x.source === w.source);
      if (!s) continue;
      const v = s[w.counter];
      if (w.first < 0 || v < w.last) w.first = v;
      w.last = v;
      if (v - w.first >= 10) w.done = true;
    }
    const missing = wants.filter((w) => !w.done);
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${receiver.name} does not receive: ` +
          missing
            .map(
              (w) =>
                `${w.sender.name}'s ${w.source} (${w.counter} ${w.last < 0 ? 'not subscribed' : `${w.first} → ${w.last}`})`,
            )
            .join(', ') +
          ` within ${timeoutMs} ms`,
      );
    }
    await sleep(250);
  }
}

/** The `<video>` showing `sender`'s camera on `receiver`'s page. */
export const remoteVideo = (receiver: InMeeting, sender: InMeeting): VideoRef => ({
  page: receiver.page,
  selector: `[data-testid="participant-tile"][data-participant-id="${sender.id}"] video[data-source="camera"]`,
});
/** A participant's own camera preview in their self tile. */
export const ownVideo = (p: InMeeting): VideoRef => ({
  page: p.page,
  selector: '[data-testid="participant-tile"][data-self="true"] video[data-source="camera"]',
});

/** Correlations of one receiver's picture of one sender with every participant's own preview. */
export interface PictureCheck {
  receiver: string;
  sender: string;
  /** Mean correlation with each participant's preview, by name. */
  r: Record<string, number>;
}

/**
 * For every ordered pair of participants, compares what the receiver shows for the sender with
 * every participant's own camera preview: all pictures are snapshotted in the same instant, for
 * `rounds` rounds ~300 ms apart, and correlations averaged. Asserts that each receiver's picture of a
 * sender correlates with that sender's preview at least MATCH_THRESHOLD, and with every other
 * participant's preview (the receiver's own included) below MISMATCH_THRESHOLD.
 */
export async function assertPicturesMatch(people: readonly InMeeting[], rounds = 3): Promise<PictureCheck[]> {
  const pairs = people.flatMap((receiver) =>
    people.filter((sender) => sender !== receiver).map((sender) => ({ receiver, sender })),
  );
  const sums = pairs.map(() => people.map(() => 0));
  for (let round = 0; round < rounds; round++) {
    const shots = await snapshotTogether([
      ...people.map((p) => ownVideo(p)),
      ...pairs.map(({ receiver, sender }) => remoteVideo(receiver, sender)),
    ]);
    const own = shots.slice(0, people.length);
    shots.slice(people.length).forEach((remote, i) => {
      const { receiver, sender } = pairs[i]!;
      if (contrast(remote) < 5) {
        throw new Error(
          `${receiver.name} shows a flat picture for ${sender.name} (contrast ${contrast(remote).toFixed(1)})`,
        );
      }
      own.forEach((o, j) => (sums[i]![j]! += pearson(remote.pixels, o.pixels)));
    });
    if (round < rounds - 1) await sleep(300);
  }
  const checks = pairs.map(({ receiver, sender }, i) => ({
    receiver: receiver.name,
    sender: sender.name,
    r: Object.fromEntries(people.map((p, j) => [p.name, sums[i]![j]! / rounds])),
  }));
  for (const c of checks) {
    const describe = () =>
      `${c.receiver}'s picture of ${c.sender}: ` +
      Object.entries(c.r)
        .map(([name, r]) => `r=${r.toFixed(2)} with ${name}'s camera`)
        .join(', ');
    if (c.r[c.sender]! < MATCH_THRESHOLD)
      throw new Error(`${describe()} (a match needs ≥ ${MATCH_THRESHOLD})`);
    for (const [name, r] of Object.entries(c.r)) {
      if (name !== c.sender && r >= MISMATCH_THRESHOLD) {
        throw new Error(`${describe()}: it also resembles ${name}'s camera (needs < ${MISMATCH_THRESHOLD})`);
      }
    }
  }
  return checks;
}

export interface RosterEntry {
  id: string;
  name: string;
  self: boolean;
  micMuted: boolean;
  cameraOff: boolean;
}

/** What a page's gallery shows: one entry per tile, sorted by id (read in one go, in the page). */
export async function roster(page: Page): Promise<RosterEntry[]> {
  const entries = await page.evaluate(() => {
    const shown = (tile: Element, text: string) =>
      Array.from(tile.querySelectorAll('*')).some(
        (el) =>
          (el.getAttribute('title') === text ||
            el.getAttribute('aria-label') === text ||
            (el.children.length === 0 && el.textContent?.trim() === text)) &&
          el.checkVisibility(),
      );
    return Array.from(document.querySelectorAll('[data-testid="participant-tile"]')).map((tile) => ({
      id: tile.getAttribute('data-participant-id') ?? '',
      name: tile.getAttribute('aria-label') ?? '',
      self: tile.getAttribute('data-self') === 'true',
      micMuted: shown(tile, 'Microphone muted'),
      cameraOff: shown(tile, 'Camera off'),
    }));
  });
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

/**
 * After the media server under a call was lost (NET-FAILOVER): everyone receives everyone again, sees
 * the pictures they send, and is still in the meeting under the id they had, with the same roster.
 */
export async function assertBackTogether(people: readonly InMeeting[]): Promise<void> {
  await Promise.all(
    people.map((receiver) =>
      assertReceivesAll(
        receiver,
        people.filter((p) => p !== receiver),
      ),
    ),
  );
  await assertPicturesMatch(people);
  for (const p of people) {
    const id = await selfTile(p.page).getAttribute('data-participant-id');
    assert.equal(id, p.id, `${p.name} kept its participant id`);
  }
  for (const p of people)
    await waitForRoster(
      p.page,
      people.map((q) => q.id),
    );
}

/**
 * Watches, inside the page for `ms`, every 50 ms, the frames `receiver` decodes of each sender's
 * camera, and returns each sender's longest stretch without a new frame (ms; `ms` itself when none
 * came at all, or the track went away). A rejoin costs seconds; media that never stopped, a few frames.
 */
export async function longestStalls(
  receiver: InMeeting,
  senders: readonly Sender[],
  ms: number,
): Promise<Record<string, number>> {
  const ids = senders.map((s) => s.id);
  const stalls = await receiver.page.evaluate(
    async ({ ids, ms }) => {
      type Stat = { participantId: string; source: string; framesDecoded: number };
      const w = window as unknown as { __conclave?: { room?: { getMediaStats(): Promise<Stat[]> } } };
      const last = new Map<string, { frames: number; at: number }>();
      const longest = new Map<string, number>(ids.map((id) => [id, 0]));
      const start = performance.now();
      for (let now = start; now - start < ms; now = performance.now()) {
        const stats = (await w.__conclave?.room?.getMediaStats()) ?? [];
        const at = performance.now();
        for (const id of ids) {
          const s = stats.find((x) => x.participantId === id && x.source === 'camera');
          const seen = last.get(id) ?? { frames: -1, at: start };
          if (s && s.framesDecoded > seen.frames) last.set(id, { frames: s.framesDecoded, at });
          longest.set(id, Math.max(longest.get(id)!, at - (last.get(id) ?? seen).at));
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return Object.fromEntries(longest);
    },
    { ids, ms },
  );
  return Object.fromEntries(senders.map((s) => [s.name, Math.round(stalls[s.id] ?? ms)]));
}
