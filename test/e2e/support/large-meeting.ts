import type { Page } from 'playwright-core';
import type { SocketStats } from './crowd';

/** A remote tile the page shows: whose it is and the name it carries. */
export interface ShownTile {
  id: string;
  name: string;
}

/** The remote tiles a meeting page shows now (rendered and visible: its current page of the gallery). */
export function shownRemoteTiles(page: Page): Promise<ShownTile[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="participant-tile"][data-self="false"]'))
      .filter((tile) => tile.checkVisibility())
      .map((tile) => ({
        id: tile.getAttribute('data-participant-id') ?? '',
        name: tile.getAttribute('aria-label') ?? '',
      })),
  );
}

/**
 * Waits, inside the page (every 50 ms), until it shows remote tiles and each one's camera `<video>`
 * presents a decoded picture, which works in the production build too (no SDK hook). Resolves with
 * when that was (ms since the epoch, the page's clock: this machine's) and the tiles.
 */
export async function firstPageDecoded(
  page: Page,
  timeoutMs = 30_000,
): Promise<{ at: number; tiles: ShownTile[] }> {
  const handle = await page.waitForFunction(
    () => {
      const tiles = Array.from(
        document.querySelectorAll('[data-testid="participant-tile"][data-self="false"]'),
      ).filter((tile) => tile.checkVisibility());
      const decoded = (tile: Element) => {
        const video = tile.querySelector('video[data-source="camera"]');
        return video instanceof HTMLVideoElement && video.videoWidth > 0 && video.readyState >= 2;
      };
      if (tiles.length === 0 || !tiles.every(decoded)) return false;
      return {
        at: performance.timeOrigin + performance.now(),
        tiles: tiles.map((tile) => ({
          id: tile.getAttribute('data-participant-id') ?? '',
          name: tile.getAttribute('aria-label') ?? '',
        })),
      };
    },
    null,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as { at: number; tiles: ShownTile[] };
}

/** Received signaling bytes of the crowd's members: the largest, the median and the types behind the largest. */
export function receivedPerMember(stats: readonly SocketStats[]): {
  max: number;
  median: number;
  /** The frames the member with the most bytes received, by type. */
  maxTypes: Record<string, number>;
} {
  const sorted = [...stats].sort((a, b) => a.bytesReceived - b.bytesReceived);
  const top = sorted[sorted.length - 1];
  return {
    max: top?.bytesReceived ?? 0,
    median: sorted[Math.floor(sorted.length / 2)]?.bytesReceived ?? 0,
    maxTypes: top?.received ?? {},
  };
}
