/** A place on the recording's picture, in pixels. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** At most this many tiles are drawn; a recording of a larger meeting shows the latest speakers first. */
export const MAX_TILES = 16;

const GAP = 8;
const ASPECT = 16 / 9;

/**
 * Where each tile goes on a `width` × `height` picture (REC-START: the meeting's layout, as the app
 * shows it): with a shared screen, the screen takes the stage and the cameras a column beside it;
 * otherwise the cameras share a grid whose cells keep 16:9. The first `screens` tiles are screens.
 */
export function arrange(tiles: number, screens: number, width: number, height: number): Rect[] {
  if (tiles === 0) return [];
  if (screens > 0) {
    const cameras = tiles - screens;
    const stripWidth = cameras > 0 ? Math.round(width / 5) : 0;
    const stage = grid(screens, width - stripWidth - (cameras > 0 ? GAP : 0), height, 0);
    const strip = cameras > 0 ? column(cameras, stripWidth, height, width - stripWidth) : [];
    return [...stage, ...strip];
  }
  return grid(tiles, width, height, 0);
}

/** `n` cells in the columns × rows that leave them largest, centred. */
function grid(n: number, width: number, height: number, left: number): Rect[] {
  let best = { cols: 1, rows: n, w: 0, h: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    let w = (width - GAP * (cols + 1)) / cols;
    let h = w / ASPECT;
    if (h * rows + GAP * (rows + 1) > height) {
      h = (height - GAP * (rows + 1)) / rows;
      w = h * ASPECT;
    }
    if (w > best.w) best = { cols, rows, w, h };
  }
  const { cols, rows, w, h } = best;
  const top = (height - (rows * h + (rows - 1) * GAP)) / 2;
  const rects: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / cols);
    // The last row, when short, is centred too.
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const rowLeft = left + (width - (inRow * w + (inRow - 1) * GAP)) / 2;
    rects.push(round({ x: rowLeft + (i % cols) * (w + GAP), y: top + row * (h + GAP), w, h }));
  }
  return rects;
}

/** `n` cells stacked in a column of `width`, as many as fit at 16:9, centred. */
function column(n: number, width: number, height: number, left: number): Rect[] {
  const h = Math.min(width / ASPECT, (height - GAP * (n + 1)) / n);
  const w = h * ASPECT;
  const top = (height - (n * h + (n - 1) * GAP)) / 2;
  return Array.from({ length: n }, (_, i) =>
    round({ x: left + (width - w) / 2, y: top + i * (h + GAP), w, h }),
  );
}

const round = ({ x, y, w, h }: Rect): Rect => ({
  x: Math.round(x),
  y: Math.round(y),
  w: Math.round(w),
  h: Math.round(h),
});
