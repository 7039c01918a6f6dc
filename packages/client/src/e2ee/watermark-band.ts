/**
 * The band drawn into outgoing camera video under E2EE: the sender's own Codeword in white on a dark
 * translucent strip along the bottom of the picture, behind a small lock, so whoever watches can check
 * the words burned into the picture against the Codeword shown under the tile (E2EE-WATERMARK).
 *
 * Sizes are fractions of the frame height, so the band looks the same at every resolution and the
 * text stays legible at 640×360 after VP8 compression (27 px letters there); a frame too narrow for
 * that size (portrait) shrinks the text to fit its width instead of cutting words off.
 */

/** Text size as a fraction of the frame height: 27 px at 360 p, 54 px at 720 p. */
const FONT_PER_HEIGHT = 0.075;
/** Band height as a multiple of the text size: room above and below the letters. */
const BAND_PER_FONT = 1.6;
/** Margin kept free at each side of the text, as a multiple of the text size. */
const SIDE_MARGIN_PER_FONT = 0.6;
/** Below this the letters are no longer legible after compression; smaller frames get it anyway. */
const MIN_FONT_PX = 12;
/** The lock's width and the gap after it, as multiples of the text size. */
const LOCK_WIDTH_PER_FONT = 0.62;
const LOCK_GAP_PER_FONT = 0.4;

/** Dark enough for white text to stand out on any picture, light enough to see what is behind. */
const BAND_COLOUR = 'rgba(0, 0, 0, 0.62)';
const TEXT_COLOUR = '#fff';

/** Where the band and its text go in a frame of a given size. */
export interface BandLayout {
  /** The band spans the whole width, from `top` to the bottom of the frame. */
  readonly top: number;
  readonly height: number;
  readonly fontPx: number;
  /** Left edge of the lock; the text follows it, the two centred together. */
  readonly left: number;
}

/** The CSS font of the text at a size; bold sans-serif survives compression and downscaling best. */
function bandFont(fontPx: number): string {
  return `bold ${fontPx}px sans-serif`;
}

/**
 * Lays the band out for a `width`×`height` frame. `textWidth(fontPx)` is the width the text takes at
 * that size (a canvas's measureText, or a stand-in in tests).
 */
export function layoutBand(width: number, height: number, textWidth: (fontPx: number) => number): BandLayout {
  let fontPx = Math.max(MIN_FONT_PX, Math.round(height * FONT_PER_HEIGHT));
  const contentWidth = (px: number): number => px * (LOCK_WIDTH_PER_FONT + LOCK_GAP_PER_FONT) + textWidth(px);
  const fits = (px: number): boolean => contentWidth(px) + 2 * px * SIDE_MARGIN_PER_FONT <= width;
  // Text width is close to proportional to its size, so one scaling step nearly fits; the loop
  // takes off what rounding and kerning leave over.
  if (!fits(fontPx)) {
    const scale = width / (contentWidth(fontPx) + 2 * fontPx * SIDE_MARGIN_PER_FONT);
    fontPx = Math.max(MIN_FONT_PX, Math.floor(fontPx * scale));
    while (fontPx > MIN_FONT_PX && !fits(fontPx)) fontPx--;
  }
  // Even, so in a 4:2:0 frame of even height the band starts on a chroma row: no half-tinted row.
  const bandHeight = Math.min(height, 2 * Math.round((fontPx * BAND_PER_FONT) / 2));
  return {
    top: height - bandHeight,
    height: bandHeight,
    fontPx,
    left: Math.max(0, Math.round((width - contentWidth(fontPx)) / 2)),
  };
}

/** The layout for `text` in a `width`×`height` frame, measured with the fonts of `ctx`. */
export function measureBand(
  ctx: OffscreenCanvasRenderingContext2D,
  text: string,
  width: number,
  height: number,
): BandLayout {
  return layoutBand(width, height, (px) => {
    ctx.font = bandFont(px);
    return ctx.measureText(text).width;
  });
}

/**
 * Draws the band for `text` into a transparent canvas the size of the band alone (`width` ×
 * `layout.height`), to be laid over frames at `layout.top`.
 */
export function drawBand(
  ctx: OffscreenCanvasRenderingContext2D,
  text: string,
  layout: BandLayout,
  width: number,
): void {
  const { height, fontPx, left } = layout;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = BAND_COLOUR;
  ctx.fillRect(0, 0, width, height);
  const middle = height / 2;
  drawLock(ctx, left, middle, fontPx);
  ctx.font = bandFont(fontPx);
  ctx.fillStyle = TEXT_COLOUR;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, left + fontPx * (LOCK_WIDTH_PER_FONT + LOCK_GAP_PER_FONT), middle);
}

/** A small padlock, centred on `middle`: says "encrypted" without another word to read. */
function drawLock(
  ctx: OffscreenCanvasRenderingContext2D,
  left: number,
  middle: number,
  fontPx: number,
): void {
  const width = fontPx * LOCK_WIDTH_PER_FONT;
  const bodyHeight = fontPx * 0.45;
  const bodyTop = middle - bodyHeight * 0.3;
  ctx.fillStyle = TEXT_COLOUR;
  ctx.fillRect(left, bodyTop, width, bodyHeight);
  ctx.strokeStyle = TEXT_COLOUR;
  ctx.lineWidth = Math.max(1.5, fontPx * 0.09);
  ctx.beginPath();
  ctx.arc(left + width / 2, bodyTop, width * 0.32, Math.PI, 0);
  ctx.stroke();
}
