import { galleryLayout } from './layout';
import { galleryPageSize, pageOf, stripPageSize, type Size } from './stagePages';

export type { Size } from './stagePages';

/** How the stage arranges people (MEET-LAYOUT). */
export type LayoutMode = 'gallery' | 'speaker' | 'presentation';

/** What the person picks; presentation is chosen by itself while someone shares a screen. */
export type ChosenLayout = Exclude<LayoutMode, 'presentation'>;

/** Something to show: a participant's camera, or (MEET-SHARE) a screen someone shares. */
export interface StageTile {
  /** Unique on the stage, e.g. `camera:<participantId>` or `screen:<participantId>`. */
  key: string;
  participantId: string;
  kind: 'camera' | 'screen';
}

export interface StageInput {
  /** What the person chose, or the organisation's default. */
  mode: ChosenLayout;
  /** Everyone's camera tiles, in the stage's order (this client first). */
  tiles: readonly StageTile[];
  /** Screens being shared, most recent first; any makes the layout `presentation`. */
  presentations?: readonly StageTile[];
  /** A participant pinned by the person: big in speaker layout, first in the gallery. */
  pinned?: string | null;
  /** Who spoke last (still speaking, or the last one before the silence): the big tile of speaker layout. */
  activeSpeaker?: string | null;
  /** Who spoke most recently (a few, newest first): on whatever page is shown. */
  speakers?: readonly string[];
  /** This client's participant id: its own tile is on every page. */
  self?: string | null;
  /** The page of the gallery (or of the strip) asked for, from 0. */
  page?: number;
  box: Size;
  gap?: number;
}

/** Which page of a large meeting is shown (MEET-LAYOUT): of the gallery, or of the strip. */
export interface Paging {
  /** The page shown, from 0 (the one asked for, or the last one there is). */
  page: number;
  pages: number;
  /** Tiles on the pages after this one: a "+N more" tile ends the page when there are any. */
  more: number;
}

/** Where each tile goes: one big tile and a strip of small ones, or a gallery of equals. */
export interface StageLayout {
  mode: LayoutMode;
  /** The big tile (speaker and presentation), or null in the gallery. */
  main: { tile: StageTile; size: Size } | null;
  /** The page's gallery tiles, or the page's strip beside the big tile, in order. */
  others: readonly StageTile[];
  /** Size of each tile in `others` (and of the "+N more" tile). */
  size: Size;
  /** Gallery columns; in a strip, its tiles side by side ("+N more" included). */
  columns: number;
  paging: Paging;
}

/** The strip of small tiles under the big one: this share of the stage's height at most. */
const STRIP_SHARE = 0.2;
const STRIP_MIN_HEIGHT = 90;
const ASPECT = 16 / 9;

/**
 * The stage's arrangement, from what there is to show and who speaks (MEET-LAYOUT). Pure: the same
 * input gives the same layout. Gallery: everyone equal, the pinned participant first. Speaker: the
 * pinned participant, else the active (or last) speaker, else the first remote tile, big; the rest
 * in a strip. Presentation: while a screen is shared, it is big and every camera is in the strip.
 *
 * A large meeting is paged (the gallery, or the strip): the pinned participant, this client, the
 * other screens and the latest speakers are on every page; the others take turns, in the stage's
 * order. This client's own tile stays on every page, as in Meet: it costs nothing to receive, and
 * people keep seeing how they look (and that their camera is on) whatever page they look at.
 */
export function stageLayout(input: StageInput): StageLayout {
  const gap = input.gap ?? 12;
  const { box } = input;
  const at = (tiles: readonly StageTile[], id: string | null | undefined) =>
    id ? tiles.filter((t) => t.participantId === id) : [];
  const presentation = input.presentations?.[0];
  if (presentation) {
    const screens = (input.presentations ?? []).slice(1);
    const fixed = unique([...screens, ...at(input.tiles, input.pinned), ...at(input.tiles, input.self)]);
    return withStrip('presentation', presentation, fixed, without(input.tiles, fixed), input, gap);
  }
  if (input.mode === 'speaker' && input.tiles.length > 1) {
    const main = mainTile(input.tiles, input.pinned, input.activeSpeaker, input.self);
    const fixed = at(input.tiles, input.self).filter((t) => t !== main);
    return withStrip('speaker', main, fixed, without(input.tiles, [main, ...fixed]), input, gap);
  }
  const fixed = unique([...at(input.tiles, input.pinned), ...at(input.tiles, input.self)]);
  const shown = pageOf({
    fixed,
    rest: without(input.tiles, fixed),
    always: speaking(input.speakers),
    size: galleryPageSize(box),
    page: input.page ?? 0,
  });
  const places = shown.tiles.length + (shown.more > 0 ? 1 : 0);
  // A page always fits the stage: its tiles shrink rather than scroll.
  const gallery = galleryLayout(places, box.width, box.height, { gap, aspect: ASPECT, minTileWidth: 0 });
  return {
    mode: input.mode === 'speaker' && input.tiles.length <= 1 ? 'speaker' : 'gallery',
    main: null,
    others: shown.tiles,
    size: { width: gallery.tileWidth, height: gallery.tileHeight },
    columns: gallery.columns,
    paging: { page: shown.page, pages: shown.pages, more: shown.more },
  };
}

const speaking = (ids: readonly string[] | undefined) => (tile: StageTile) =>
  tile.kind === 'camera' && (ids ?? []).includes(tile.participantId);

const unique = (tiles: readonly StageTile[]) => [...new Set(tiles)];

const without = (tiles: readonly StageTile[], gone: readonly StageTile[]) =>
  tiles.filter((t) => !gone.includes(t));

/** Pinned wins, then whoever speaks (or spoke last), then the first tile that is not this client's. */
function mainTile(
  tiles: readonly StageTile[],
  pinned: string | null | undefined,
  speaker: string | null | undefined,
  self: string | null | undefined,
): StageTile {
  const of = (id: string | null | undefined) => (id ? tiles.find((t) => t.participantId === id) : undefined);
  const other = self ? tiles.find((t) => t.participantId !== self) : tiles[1];
  return of(pinned) ?? of(speaker) ?? other ?? (tiles[0] as StageTile);
}

function withStrip(
  mode: LayoutMode,
  main: StageTile,
  fixed: readonly StageTile[],
  rest: readonly StageTile[],
  input: StageInput,
  gap: number,
): StageLayout {
  const { box } = input;
  const shown = pageOf({
    fixed,
    rest,
    always: speaking(input.speakers),
    size: stripPageSize(box, gap),
    page: input.page ?? 0,
  });
  const paging = { page: shown.page, pages: shown.pages, more: shown.more };
  const others = shown.tiles;
  if (others.length === 0) {
    return {
      mode,
      main: { tile: main, size: fit(box, ASPECT) },
      others,
      size: { width: 0, height: 0 },
      columns: 0,
      paging,
    };
  }
  const stripHeight = Math.max(STRIP_MIN_HEIGHT, Math.floor(box.height * STRIP_SHARE));
  // Strip tiles side by side, as many as fit at full strip height; past that they shrink.
  const count = others.length + (shown.more > 0 ? 1 : 0);
  const byHeight = Math.floor(stripHeight * ASPECT);
  const byWidth = Math.floor((box.width - (count - 1) * gap) / count);
  const width = Math.max(0, Math.min(byHeight, byWidth));
  const mainBox = { width: box.width, height: Math.max(0, box.height - stripHeight - gap) };
  return {
    mode,
    main: { tile: main, size: fit(mainBox, ASPECT) },
    others,
    size: { width, height: Math.floor(width / ASPECT) },
    columns: count,
    paging,
  };
}

/** The largest box of this aspect inside `box`. */
function fit(box: Size, aspect: number): Size {
  const width = Math.floor(Math.min(box.width, box.height * aspect));
  return { width: Math.max(0, width), height: Math.max(0, Math.floor(width / aspect)) };
}
