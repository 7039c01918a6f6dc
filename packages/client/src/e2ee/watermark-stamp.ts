import { drawBand, measureBand } from './watermark-band';
import { BandOverlay, canBlend } from './watermark-blend';

/**
 * Stamps the Codeword band onto video frames, as new frames of the same size and timestamp. The band
 * is drawn once per text and frame size; each frame then takes one of two paths:
 * - in place (cameras' I420 and NV12, and 8-bit RGB): copy the frame's bytes out, blend the band's
 *   rows (watermark-blend.ts) and wrap the bytes in a new frame — no colour conversion, and the
 *   encoder gets the format it would have had;
 * - on a canvas (frames whose bytes cannot be read or laid out as shown: GPU-only, rotated, scaled,
 *   10-bit): draw the frame, lay the band over it, make a frame from the canvas.
 * Works in a worker or on the main thread (OffscreenCanvas only).
 */
export class FrameStamper {
  private readonly band = new OffscreenCanvas(1, 1);
  private readonly bandCtx: OffscreenCanvasRenderingContext2D;
  private overlay: BandOverlay | undefined;
  private text: string;
  private bytes = new Uint8Array(0);
  private canvas: { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } | undefined;

  constructor(text: string) {
    this.text = text;
    const bandCtx = this.band.getContext('2d', { willReadFrequently: true });
    if (!bandCtx) throw new Error('OffscreenCanvas has no 2D context here');
    this.bandCtx = bandCtx;
  }

  setText(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.overlay = undefined;
  }

  /**
   * The frame with the band drawn in, as a new VideoFrame the caller must close. Closes `frame`
   * whatever happens, so a frame that cannot be stamped is dropped rather than sent bare.
   */
  async stamp(frame: VideoFrame): Promise<VideoFrame> {
    try {
      const width = frame.displayWidth;
      const height = frame.displayHeight;
      let overlay = this.overlay;
      if (!overlay || overlay.width !== width || overlay.frameHeight !== height) {
        overlay = this.overlay = this.redrawBand(width, height);
      }
      return inPlace(frame) ? await this.blendInPlace(frame, overlay) : this.drawOnCanvas(frame, overlay);
    } finally {
      frame.close();
    }
  }

  private redrawBand(width: number, height: number): BandOverlay {
    const layout = measureBand(this.bandCtx, this.text, width, height);
    // Resizing clears the canvas and its drawing state; drawBand sets all it uses.
    this.band.width = width;
    this.band.height = layout.height;
    drawBand(this.bandCtx, this.text, layout, width);
    const { data } = this.bandCtx.getImageData(0, 0, width, layout.height);
    return new BandOverlay(data, width, layout.top, height);
  }

  private async blendInPlace(frame: VideoFrame, overlay: BandOverlay): Promise<VideoFrame> {
    const size = frame.allocationSize();
    // One buffer for every frame: the new VideoFrame copies what it is given.
    if (this.bytes.byteLength < size) this.bytes = new Uint8Array(size);
    const planes = await frame.copyTo(this.bytes);
    const format = frame.format!;
    overlay.blend(this.bytes, format, planes, frame.colorSpace.fullRange === true);
    const init: VideoFrameBufferInit = {
      format,
      codedWidth: frame.displayWidth,
      codedHeight: frame.displayHeight,
      timestamp: frame.timestamp,
      layout: planes,
      colorSpace: frame.colorSpace.toJSON(),
    };
    if (frame.duration !== null) init.duration = frame.duration;
    return new VideoFrame(this.bytes, init);
  }

  private drawOnCanvas(frame: VideoFrame, overlay: BandOverlay): VideoFrame {
    const width = frame.displayWidth;
    const height = frame.displayHeight;
    this.canvas ??= opaqueCanvas();
    const { canvas, ctx } = this.canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    ctx.drawImage(frame, 0, 0, width, height);
    ctx.drawImage(this.band, 0, overlay.top);
    const init: VideoFrameInit = { timestamp: frame.timestamp };
    if (frame.duration !== null) init.duration = frame.duration;
    return new VideoFrame(canvas, init);
  }
}

/** The frame's bytes, as copyTo() lays them out, are the picture as shown (not turned, not scaled). */
function inPlace(frame: VideoFrame): boolean {
  const visible = frame.visibleRect;
  const turned = ('rotation' in frame && frame.rotation !== 0) || ('flip' in frame && frame.flip === true);
  return (
    canBlend(frame.format) &&
    !turned &&
    visible !== null &&
    visible.width === frame.displayWidth &&
    visible.height === frame.displayHeight
  );
}

/** Opaque: frames made from it then carry no alpha plane for the encoder to drop. */
function opaqueCanvas(): { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } {
  const canvas = new OffscreenCanvas(1, 1);
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new Error('OffscreenCanvas has no 2D context here');
  return { canvas, ctx };
}
