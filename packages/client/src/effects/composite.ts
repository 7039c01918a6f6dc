/**
 * Draws one output picture: the person (the camera picture where the mask is) over a background,
 * either the camera picture blurred or a replacement picture. 2D canvas only, so it runs wherever
 * OffscreenCanvas does, with or without a GPU.
 */

/** What goes behind the person. */
export type Backdrop = { blur: 'light' | 'strong' } | { image: ImageBitmap };

/**
 * The blur: the picture drawn at 1/`scale` of its size with a `radius` px blur, then stretched back
 * (the stretch smooths it further). Cheaper than blurring at full size by the square of `scale`.
 */
const BLURS = { light: { scale: 4, radius: 2 }, strong: { scale: 8, radius: 3 } } as const;

type Context = OffscreenCanvasRenderingContext2D;

function context(canvas: OffscreenCanvas, opaque = false): Context {
  const ctx = canvas.getContext('2d', { alpha: !opaque, desynchronized: true });
  if (!ctx) throw new Error('No 2D canvas context');
  return ctx;
}

function fit(canvas: OffscreenCanvas, width: number, height: number): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

/** Draws `image` to cover `width`×`height`, cropping what overflows (as CSS object-fit: cover). */
function drawCover(ctx: Context, image: ImageBitmap, width: number, height: number): void {
  const scale = Math.max(width / image.width, height / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  ctx.drawImage(image, (width - w) / 2, (height - h) / 2, w, h);
}

export class Compositor {
  private readonly output = new OffscreenCanvas(1, 1);
  private readonly person = new OffscreenCanvas(1, 1);
  private readonly small = new OffscreenCanvas(1, 1);
  private readonly out = context(this.output, true);
  private readonly cut = context(this.person);
  private readonly blurred = context(this.small, true);

  constructor(private readonly backdrop: Backdrop) {}

  /** The picture for `frame` at `width`×`height`; valid until the next call. */
  draw(frame: CanvasImageSource, mask: ImageBitmap, width: number, height: number): OffscreenCanvas {
    fit(this.output, width, height);
    fit(this.person, width, height);
    // The person: the mask (stretched from the model's size, which softens its edge), then the
    // picture only where the mask is.
    this.cut.globalCompositeOperation = 'copy';
    this.cut.drawImage(mask, 0, 0, width, height);
    this.cut.globalCompositeOperation = 'source-in';
    this.cut.drawImage(frame, 0, 0, width, height);

    const out = this.out;
    out.globalCompositeOperation = 'copy';
    if ('blur' in this.backdrop) {
      const { scale, radius } = BLURS[this.backdrop.blur];
      const w = Math.max(1, Math.round(width / scale));
      const h = Math.max(1, Math.round(height / scale));
      fit(this.small, w, h);
      // Sharp first, blurred over it: the blur fades to transparent at the edges, which must not show.
      this.blurred.filter = 'none';
      this.blurred.drawImage(frame, 0, 0, w, h);
      this.blurred.filter = `blur(${radius}px)`;
      this.blurred.drawImage(frame, 0, 0, w, h);
      out.imageSmoothingQuality = 'low';
      out.drawImage(this.small, 0, 0, width, height);
    } else {
      out.fillStyle = '#000';
      out.fillRect(0, 0, width, height);
      out.globalCompositeOperation = 'source-over';
      drawCover(out, this.backdrop.image, width, height);
    }
    out.globalCompositeOperation = 'source-over';
    out.drawImage(this.person, 0, 0);
    return this.output;
  }
}
