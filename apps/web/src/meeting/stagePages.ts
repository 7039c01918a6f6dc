/**
 * Pages of the stage (MEET-LAYOUT, MEET-QUALITY): a large meeting is shown a page at a time, and only
 * the page's videos are received. Pure: the same input gives the same page.
 */

export interface Size {
  width: number;
  height: number;
}

/**
 * Tiles in a page of the gallery, by the stage's size. A page's videos are what this client
 * receives and decodes, so the size is set by what the device can decode and a person can follow as
 * much as by what fits:
 * - 6 on a phone-sized stage (narrower than 600 px or lower than 360 px): two columns of three, each
 *   tile still about 170 px wide on a 375 px phone, and six small videos are what a phone decodes
 *   without heating up or eating its data plan;
 * - 12 on a tablet or a half-screen window (narrower than 1100 px or lower than 500 px): three or
 *   four columns, tiles near 200 px wide;
 * - 25 on a desktop: five by five, the most Zoom's and Meet's default galleries show, which keeps a
 *   page, with the screens and speakers shown besides, under the server's view cap (MAX_VIEW_VIDEO, 30).
 * The "+N more" tile takes one of these places.
 */
export function galleryPageSize(box: Size): number {
  if (box.width < 600 || box.height < 360) return 6;
  if (box.width < 1100 || box.height < 500) return 12;
  return 25;
}

/** A strip tile is never narrower than this: a face still shows at about 120×68. */
const STRIP_TILE_MIN_WIDTH = 120;
/** Even a phone's strip shows this many: this client, someone else, and the "+N more" tile. */
const STRIP_MIN_PAGE = 3;

/** Tiles in a page of the strip under the big tile: as many as fit side by side, 3 to 25. */
export function stripPageSize(box: Size, gap: number): number {
  const fit = Math.floor((box.width + gap) / (STRIP_TILE_MIN_WIDTH + gap));
  return Math.min(25, Math.max(STRIP_MIN_PAGE, fit));
}

export interface PageInput<T> {
  /** Shown first on every page, in this order (the pinned participant, this client, other screens). */
  fixed: readonly T[];
  /** Everyone else, in the stage's order: paged. */
  rest: readonly T[];
  /** Members of `rest` shown on every page (who spoke last): in their own place on their own page, after `fixed` on the others. */
  always: (tile: T) => boolean;
  /** Places on a page, the "+N more" tile's included. */
  size: number;
  /** The page asked for, from 0; clamped to the pages there are. */
  page: number;
}

export interface Page<T> {
  tiles: T[];
  /** The page shown, from 0: the one asked for, or the last one when there are fewer now. */
  page: number;
  pages: number;
  /** Tiles on the pages after this one (0 on the last page): the "+N more" tile's number. */
  more: number;
}

/**
 * One page of the stage. Each page holds `fixed`, a place for each `always` tile (so that the pages
 * do not shift while people take turns speaking), the page's share of `rest`, and on every page but
 * the last a place for the "+N more" tile. A page always holds at least one tile of `rest`.
 */
export function pageOf<T>(input: PageInput<T>): Page<T> {
  const { fixed, rest } = input;
  const always = rest.filter(input.always);
  // Places for the rest on the last page, and on the others (where "+N more" takes one).
  const last = Math.max(1, input.size - fixed.length - always.length);
  const perPage = Math.max(1, last - 1);
  const pages = rest.length <= last ? 1 : 1 + Math.ceil((rest.length - last) / perPage);
  const page = Math.min(Math.max(0, Math.floor(input.page) || 0), pages - 1);
  const start = page * perPage;
  const end = page === pages - 1 ? rest.length : start + perPage;
  const mine = rest.slice(start, end);
  const visiting = always.filter((t) => !mine.includes(t));
  return { tiles: [...fixed, ...visiting, ...mine], page, pages, more: rest.length - end };
}
