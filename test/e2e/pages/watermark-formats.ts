/**
 * One camera frame in every shape FrameStamper meets: the camera's own I420, the NV12 most hardware
 * cameras deliver, an RGB frame (from a canvas), and a frame shown at another size than it is coded
 * (which the in-place blend cannot do, so it goes the canvas way). Each is stamped and compared with
 * itself unstamped, pixel by pixel, as drawn at its display size.
 */
import { measureBand } from '../../../packages/client/src/e2ee/watermark-band';
import { FrameStamper } from '../../../packages/client/src/e2ee/watermark-stamp';

export interface VariantResult {
  name: string;
  format: string | null;
  width: number;
  height: number;
  /** First row of the band, by the band's own layout. */
  top: number;
  /** Mean |stamped − source| luma above the band (0 when the picture there is untouched). */
  aboveDiff: number;
  /** Median luma in the band, stamped over source: the ground lets 38 % of the picture through. */
  groundRatio: number;
  /** The 99.5th percentile of luma in the band: the white text. */
  textPeak: number;
  /** Mean |this band − the I420 variant's band| luma, for variants of the I420 variant's size. */
  bandDiffFromI420: number | null;
}

function lumaOf(frame: VideoFrame): Float32Array {
  const { displayWidth: w, displayHeight: h } = frame;
  const ctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  ctx.drawImage(frame, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const luma = new Float32Array(w * h);
  for (let i = 0; i < luma.length; i++) {
    luma[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  }
  return luma;
}

function median(values: Float32Array, q = 0.5): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** The camera frame as NV12: the same luma, U and V interleaved in one plane. */
async function asNv12(frame: VideoFrame): Promise<VideoFrame> {
  if (frame.format !== 'I420') throw new Error(`expected an I420 camera frame, got ${frame.format}`);
  // copyTo() copies the visible part only (the fake camera crops 640×480 to 640×360).
  const { width: w, height: h } = frame.visibleRect!;
  const i420 = new Uint8Array(frame.allocationSize());
  const [y, u, v] = await frame.copyTo(i420);
  const cw = w / 2;
  const nv12 = new Uint8Array(w * h + cw * (h / 2) * 2);
  for (let r = 0; r < h; r++)
    nv12.set(i420.subarray(y!.offset + r * y!.stride, y!.offset + r * y!.stride + w), r * w);
  for (let r = 0; r < h / 2; r++) {
    for (let c = 0; c < cw; c++) {
      nv12[w * h + r * w + 2 * c] = i420[u!.offset + r * u!.stride + c]!;
      nv12[w * h + r * w + 2 * c + 1] = i420[v!.offset + r * v!.stride + c]!;
    }
  }
  return new VideoFrame(nv12, {
    format: 'NV12',
    codedWidth: w,
    codedHeight: h,
    timestamp: frame.timestamp,
    colorSpace: frame.colorSpace.toJSON(),
  });
}

function asRgb(frame: VideoFrame): VideoFrame {
  const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
  canvas.getContext('2d')?.drawImage(frame, 0, 0);
  return new VideoFrame(canvas, { timestamp: frame.timestamp });
}

/** Stamps each variant of one frame of `camera` (an I420 track) with `text`. */
export async function stampVariants(camera: MediaStreamTrack, text: string): Promise<VariantResult[]> {
  const clone = camera.clone();
  const reader = new MediaStreamTrackProcessor({ track: clone }).readable.getReader();
  const { value: frame } = await reader.read();
  await reader.cancel();
  clone.stop();
  if (!frame) throw new Error('the camera gave no frame');
  const variants: Array<[string, VideoFrame]> = [
    ['camera I420', frame],
    ['NV12', await asNv12(frame)],
    ['RGB', asRgb(frame)],
    [
      'shown at twice its size',
      new VideoFrame(frame, { displayWidth: frame.displayWidth * 2, displayHeight: frame.displayHeight * 2 }),
    ],
  ];
  const layoutCtx = new OffscreenCanvas(1, 1).getContext('2d');
  if (!layoutCtx) throw new Error('no 2d canvas');
  const results: VariantResult[] = [];
  let reference: { width: number; band: Float32Array } | undefined;
  for (const [name, source] of variants) {
    const { displayWidth: width, displayHeight: height, format } = source;
    const { top } = measureBand(layoutCtx, text, width, height);
    const before = lumaOf(source);
    const stamped = await new FrameStamper(text).stamp(source.clone());
    const after = lumaOf(stamped);
    stamped.close();
    const band = after.subarray(top * width);
    reference ??= { width, band };
    results.push({
      name,
      format,
      width,
      height,
      top,
      aboveDiff: meanAbsDiff(before.subarray(0, top * width), after.subarray(0, top * width)),
      groundRatio: median(band) / median(before.subarray(top * width)),
      textPeak: median(band, 0.995),
      bandDiffFromI420: reference.width === width ? meanAbsDiff(band, reference.band) : null,
    });
  }
  for (const [, source] of variants) source.close();
  return results;
}
