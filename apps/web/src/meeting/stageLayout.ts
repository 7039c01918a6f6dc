import { galleryLayout } from './layout';

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

export interface Size {
  width: number;
  height: number;
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
  /** Who spoke last (still speaking, or the last one before the silence). */
  activeSpeaker?: string | null;
  box: Size;
  gap?: number;
}

/** Where each tile goes: one big tile and a strip of small ones, or a gallery of equals. */
export interface StageLayout {
  mode: LayoutMode;
  /** The big tile (speaker and presentation), or null in the gallery. */
  main: { tile: StageTile; size: Size } | null;
  /** Gallery tiles, or the strip beside the big tile, in order. */
  others: readonly StageTile[];
  /** Size of each tile in `others`. */
  size: Size;
  /** Gallery columns; in a strip, its tiles side by side. */
  columns: number;
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
 */
export function stageLayout(input: StageInput): StageLayout {
  const gap = input.gap ?? 12;
  const { box } = input;
  const presentation = input.presentations?.[0];
  if (presentation) {
    const others = [...(input.presentations ?? []).slice(1), ...pinnedFirst(input.tiles, input.pinned)];
    return withStrip('presentation', presentation, others, box, gap);
  }
  const tiles = pinnedFirst(input.tiles, input.pinned);
  if (input.mode === 'speaker' && tiles.length > 1) {
    const main = mainTile(tiles, input.pinned, input.activeSpeaker);
    return withStrip(
      'speaker',
      main,
      tiles.filter((t) => t !== main),
      box,
      gap,
    );
  }
  const gallery = galleryLayout(tiles.length, box.width, box.height, { gap, aspect: ASPECT });
  return {
    mode: input.mode === 'speaker' && tiles.length <= 1 ? 'speaker' : 'gallery',
    main: null,
    others: tiles,
    size: { width: gallery.tileWidth, height: gallery.tileHeight },
    columns: gallery.columns,
  };
}

function pinnedFirst(tiles: readonly StageTile[], pinned: string | null | undefined): StageTile[] {
  const first = tiles.filter((t) => t.participantId === pinned);
  return [...first, ...tiles.filter((t) => t.participantId !== pinned)];
}

/** Pinned wins, then whoever speaks (or spoke last), then the first tile that is not this client's. */
function mainTile(
  tiles: readonly StageTile[],
  pinned: string | null | undefined,
  speaker: string | null | undefined,
): StageTile {
  const of = (id: string | null | undefined) => (id ? tiles.find((t) => t.participantId === id) : undefined);
  return of(pinned) ?? of(speaker) ?? tiles[1] ?? (tiles[0] as StageTile);
}

function withStrip(
  mode: LayoutMode,
  main: StageTile,
  others: readonly StageTile[],
  box: Size,
  gap: number,
): StageLayout {
  if (others.length === 0) {
    return {
      mode,
      main: { tile: main, size: fit(box, ASPECT) },
      others,
      size: { width: 0, height: 0 },
      columns: 0,
    };
  }
  const stripHeight = Math.max(STRIP_MIN_HEIGHT, Math.floor(box.height * STRIP_SHARE));
  // Strip tiles side by side, as many as fit at full strip height; past that they shrink.
  const count = others.length;
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
  };
}

/** The largest box of this aspect inside `box`. */
function fit(box: Size, aspect: number): Size {
  const width = Math.floor(Math.min(box.width, box.height * aspect));
  return { width: Math.max(0, width), height: Math.max(0, Math.floor(width / aspect)) };
}
