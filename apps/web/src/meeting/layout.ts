/** Size of every tile in a gallery that fits `count` tiles of one aspect ratio into a box. */
export interface GalleryLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

export interface LayoutOptions {
  gap?: number;
  /** Width / height of a tile; with several, the one giving the largest tiles wins. */
  aspect?: number | readonly number[];
  /** Tiles never get narrower than this; past it the gallery scrolls. */
  minTileWidth?: number;
}

/**
 * Picks the column count that makes tiles largest while every tile stays whole: with few tiles
 * they grow to fill the stage, with many they shrink, down to `minTileWidth`.
 */
export function galleryLayout(
  count: number,
  width: number,
  height: number,
  options: LayoutOptions = {},
): GalleryLayout {
  const aspects = typeof options.aspect === 'number' ? [options.aspect] : (options.aspect ?? [16 / 9]);
  let best: GalleryLayout | null = null;
  for (const aspect of aspects) {
    const layout = layoutFor(count, width, height, { ...options, aspect });
    if (!best || layout.tileWidth * layout.tileHeight > best.tileWidth * best.tileHeight) best = layout;
  }
  return best ?? { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
}

function layoutFor(
  count: number,
  width: number,
  height: number,
  options: LayoutOptions & { aspect: number },
): GalleryLayout {
  const gap = options.gap ?? 12;
  const aspect = options.aspect;
  const minTileWidth = options.minTileWidth ?? 160;
  if (count <= 0 || width <= 0 || height <= 0) return { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  let best: GalleryLayout = { columns: 1, rows: count, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    // Skip shapes that leave a whole row or column empty.
    if ((rows - 1) * columns >= count) continue;
    const byWidth = (width - (columns - 1) * gap) / columns;
    const byHeight = ((height - (rows - 1) * gap) / rows) * aspect;
    const tileWidth = Math.floor(Math.min(byWidth, byHeight));
    if (tileWidth > best.tileWidth)
      best = { columns, rows, tileWidth, tileHeight: Math.floor(tileWidth / aspect) };
  }
  if (best.tileWidth < minTileWidth) {
    // Too many for the stage: keep tiles readable and let the gallery scroll vertically.
    const columns = Math.max(1, Math.min(count, Math.floor((width + gap) / (minTileWidth + gap))));
    const tileWidth = Math.floor(Math.min(width, (width - (columns - 1) * gap) / columns));
    best = {
      columns,
      rows: Math.ceil(count / columns),
      tileWidth,
      tileHeight: Math.floor(tileWidth / aspect),
    };
  }
  return best;
}
