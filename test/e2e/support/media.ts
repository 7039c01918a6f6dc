import type { Page } from 'playwright-core';

/**
 * Media checks that run inside pages, plus the arithmetic that runs in Node.
 *
 * Functions handed to `page.evaluate` are serialised, so they must not use helpers from this
 * module's scope; tsx may still wrap named functions in `__name(…)`, which TestBrowser defines in
 * every page (see browser.ts).
 */

/** Snapshot size: small enough to move quickly, large enough to see the fake camera's shape. */
const SNAPSHOT_WIDTH = 64;
const SNAPSHOT_HEIGHT = 48;

/**
 * Pearson correlation at or above which a receiver's picture is taken to show the sender's
 * camera. Measured here (see test/e2e/README.md): the same stream scores 0.93–0.99, a
 * different participant's stream –0.3–0.3.
 */
export const MATCH_THRESHOLD = 0.75;
/** Below this, two pictures are clearly different streams. */
export const MISMATCH_THRESHOLD = 0.5;

export interface Snapshot {
  width: number;
  height: number;
  /** Grayscale 0–255, row-major. */
  pixels: number[];
  /** When it was taken, in the page's performance.timeOrigin + now() (ms since epoch). */
  at: number;
}

/** A `<video>` element: a page and a CSS selector that finds exactly that element in it. */
export interface VideoRef {
  page: Page;
  selector: string;
}

/**
 * Draws each `<video>` matched by `selectors` into a small canvas and returns its grayscale pixels,
 * all in one task of the page (so one page's snapshots are simultaneous). Throws when an element is
 * missing or has no decoded picture yet (videoWidth 0), which would otherwise read as black.
 */
async function snapshotVideos(page: Page, selectors: readonly string[]): Promise<Snapshot[]> {
  return page.evaluate(
    ({ selectors, width, height }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d canvas');
      return selectors.map((selector) => {
        const v = document.querySelector(selector);
        if (!(v instanceof HTMLVideoElement)) throw new Error(`no <video> matches ${selector}`);
        if (v.videoWidth === 0 || v.readyState < 2) throw new Error(`${selector} has no decoded picture yet`);
        ctx.drawImage(v, 0, 0, width, height);
        const rgba = ctx.getImageData(0, 0, width, height).data;
        const pixels: number[] = new Array(width * height);
        for (let i = 0; i < pixels.length; i++) {
          pixels[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
        }
        return { width, height, pixels, at: performance.timeOrigin + performance.now() };
      });
    },
    { selectors: [...selectors], width: SNAPSHOT_WIDTH, height: SNAPSHOT_HEIGHT },
  );
}

/**
 * Snapshots taken as close together as possible: every page is asked at once, each answers for all
 * its videos in one task, so the spread is a few milliseconds. Results are in the order of `videos`.
 */
export async function snapshotTogether(videos: readonly VideoRef[]): Promise<Snapshot[]> {
  const pages = [...new Set(videos.map((v) => v.page))];
  const perPage = await Promise.all(
    pages.map((page) =>
      snapshotVideos(
        page,
        videos.filter((v) => v.page === page).map((v) => v.selector),
      ),
    ),
  );
  const next = pages.map(() => 0);
  return videos.map((v) => {
    const i = pages.indexOf(v.page);
    return perPage[i]![next[i]!++]!;
  });
}

/** Pearson correlation of two equally sized pixel arrays; 0 when either is flat. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`cannot correlate ${a.length} with ${b.length} values`);
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  if (va === 0 || vb === 0) return 0;
  return cov / Math.sqrt(va * vb);
}

/** Standard deviation of a snapshot: a flat (black, frozen-blank) picture has none. */
export function contrast(s: Snapshot): number {
  const n = s.pixels.length;
  const mean = s.pixels.reduce((x, y) => x + y, 0) / n;
  return Math.sqrt(s.pixels.reduce((x, y) => x + (y - mean) ** 2, 0) / n);
}

export interface RemoteMediaStat {
  participantId: string;
  source: 'microphone' | 'camera' | 'screen';
  kind: 'audio' | 'video';
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  frameWidth: number;
  frameHeight: number;
  /** MIME type, e.g. audio/opus. */
  codec: string;
}

/** `window.__conclave.room.getMediaStats()`: the SDK's view of the remote tracks it receives. */
export async function roomMediaStats(page: Page): Promise<RemoteMediaStat[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { __conclave?: { room?: { getMediaStats(): Promise<unknown> } } };
    const room = w.__conclave?.room;
    if (!room) throw new Error('window.__conclave.room is not set: not in a meeting');
    return (await room.getMediaStats()) as RemoteMediaStat[];
  });
}

export type StatCounter = 'framesDecoded' | 'packetsReceived' | 'bytesReceived';

function pick(stats: RemoteMediaStat[], participantId: string, source: 'microphone' | 'camera') {
  return stats.find((s) => s.participantId === participantId && s.source === source);
}

/** The counter for one remote track, or null while that track is not subscribed. */
async function remoteCounter(
  page: Page,
  participantId: string,
  source: 'microphone' | 'camera',
  counter: StatCounter,
): Promise<number | null> {
  const s = pick(await roomMediaStats(page), participantId, source);
  return s ? s[counter] : null;
}

/**
 * Waits until a remote track's counter grows by at least `by` over its first observed value
 * (a missing track counts as not growing). Returns the last value; throws with the history when
 * it does not grow within `timeoutMs`.
 */
export async function waitForGrowth(
  page: Page,
  participantId: string,
  source: 'microphone' | 'camera',
  options: { counter?: StatCounter; by?: number; timeoutMs?: number } = {},
): Promise<number> {
  const counter = options.counter ?? (source === 'camera' ? 'framesDecoded' : 'packetsReceived');
  const by = options.by ?? 10;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const seen: Array<number | null> = [];
  let first: number | null = null;
  for (;;) {
    const v = await remoteCounter(page, participantId, source, counter);
    seen.push(v);
    // A counter that goes down belongs to a new receiver (e.g. after resubscribing): start over.
    if (v !== null && (first === null || v < (seen[seen.length - 2] ?? 0))) first = v;
    if (v !== null && first !== null && v - first >= by) return v;
    if (Date.now() > deadline) {
      throw new Error(
        `${source} ${counter} from ${participantId} did not grow by ${by} within ${options.timeoutMs ?? 15_000} ms; ` +
          `seen ${JSON.stringify(seen.slice(-12))}`,
      );
    }
    await sleep(250);
  }
}

/**
 * Samples a remote counter twice, `windowMs` apart, and returns how much it grew; used to show a
 * muted track stopped (growth ≈ 0) and an unmuted one resumed.
 */
export async function growthOver(
  page: Page,
  participantId: string,
  source: 'microphone' | 'camera',
  counter: StatCounter,
  windowMs: number,
): Promise<number> {
  const a = (await remoteCounter(page, participantId, source, counter)) ?? 0;
  await sleep(windowMs);
  const b = (await remoteCounter(page, participantId, source, counter)) ?? 0;
  // A counter that went down was reset (new receiver): all of b is new growth.
  return b < a ? b : b - a;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
