/**
 * Lays the pre-drawn Codeword band over a frame's pixels in place, in the frame's own pixel format
 * (I420, NV12, RGBA …), so a frame costs a copy and a blend of the band's rows only: no conversion
 * to RGB and back, no drawing of the whole picture. The canvas path in watermark-stamp.ts handles the
 * frames this cannot.
 *
 * The band is grey only (black translucent ground, white text, grey anti-aliasing), so in YUV its
 * chroma is neutral and its luma depends on the frame's range but not on its colour matrix; in RGB
 * it is the same in every channel, so channel order does not matter either. Source-over compositing
 * commutes with the affine RGB→YUV map, so blending in YUV gives what a canvas would.
 */

/** How a format's samples are laid out: chroma subsampling, and whether U and V share a plane. */
interface YuvFormat {
  kind: 'yuv';
  /** Chroma subsampling, horizontal and vertical. */
  sx: number;
  sy: number;
  /** NV12: U and V interleaved in one plane. Otherwise planar U then V (an alpha plane after is kept). */
  interleaved: boolean;
}
interface RgbFormat {
  kind: 'rgb';
}

/** The 8-bit formats blended in place; anything else (10-bit, unknown, opaque GPU frames) is not. */
const FORMATS: Readonly<Record<string, YuvFormat | RgbFormat>> = {
  I420: { kind: 'yuv', sx: 2, sy: 2, interleaved: false },
  I420A: { kind: 'yuv', sx: 2, sy: 2, interleaved: false },
  I422: { kind: 'yuv', sx: 2, sy: 1, interleaved: false },
  I422A: { kind: 'yuv', sx: 2, sy: 1, interleaved: false },
  I444: { kind: 'yuv', sx: 1, sy: 1, interleaved: false },
  I444A: { kind: 'yuv', sx: 1, sy: 1, interleaved: false },
  NV12: { kind: 'yuv', sx: 2, sy: 2, interleaved: true },
  RGBA: { kind: 'rgb' },
  RGBX: { kind: 'rgb' },
  BGRA: { kind: 'rgb' },
  BGRX: { kind: 'rgb' },
};

export function canBlend(format: string | null): boolean {
  return format !== null && format in FORMATS;
}

/** One plane of a frame's bytes, as VideoFrame.copyTo() lays it out. */
export interface Plane {
  offset: number;
  stride: number;
}

/** Per band sample: out = (in × keep + add) / 255. */
interface Weights {
  keep: Uint16Array;
  add: Uint32Array;
  /** Samples per row of the band in this plane, and the plane row the band starts at. */
  columns: number;
  firstRow: number;
}

/**
 * The band's pixels (unpremultiplied RGBA, as getImageData gives them, grey), ready to be blended into
 * frames `width` wide and `frameHeight` high, with the band's first row at `top`. Weights for each
 * plane shape are computed on first use and kept.
 */
export class BandOverlay {
  private readonly cache = new Map<string, Weights>();

  constructor(
    private readonly rgba: Uint8ClampedArray,
    readonly width: number,
    readonly top: number,
    readonly frameHeight: number,
  ) {}

  private get rows(): number {
    return this.frameHeight - this.top;
  }

  /**
   * Blends the band into `data`, a frame of `format` laid out in `planes`. `fullRange` is the frame's
   * colour space range (video range puts black at 16 and white at 235).
   */
  blend(data: Uint8Array, format: string, planes: readonly Plane[], fullRange: boolean): void {
    const f = FORMATS[format];
    if (!f || planes.length === 0) throw new Error(`cannot blend into ${format} frames`);
    if (f.kind === 'rgb') {
      const w = this.weights('rgb', 1, 1, (grey) => grey);
      // Grey is the same in every channel; the fourth byte (alpha or padding) stays as it is.
      for (let c = 0; c < 3; c++) blendPlane(data, planes[0]!, c, 4, w);
      return;
    }
    const luma = fullRange ? (grey: number) => grey : (grey: number) => 16 + (grey * 219) / 255;
    blendPlane(data, planes[0]!, 0, 1, this.weights(fullRange ? 'y-full' : 'y', 1, 1, luma));
    const chroma = this.weights(`c${f.sx}x${f.sy}`, f.sx, f.sy, () => 128);
    if (f.interleaved) {
      blendPlane(data, planes[1]!, 0, 2, chroma);
      blendPlane(data, planes[1]!, 1, 2, chroma);
    } else {
      blendPlane(data, planes[1]!, 0, 1, chroma);
      blendPlane(data, planes[2]!, 0, 1, chroma);
    }
  }

  /**
   * Weights for a plane subsampled by `sx`×`sy`, where the band's grey level `grey` (0–255) becomes
   * the sample value `value(grey)`. A subsampled sample takes the mean over the pixels it covers,
   * counting rows above the band as transparent.
   */
  private weights(key: string, sx: number, sy: number, value: (grey: number) => number): Weights {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const columns = Math.ceil(this.width / sx);
    const firstRow = Math.floor(this.top / sy);
    const rows = Math.ceil(this.frameHeight / sy) - firstRow;
    const keep = new Uint16Array(columns * rows);
    const add = new Uint32Array(columns * rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        let alpha = 0;
        let lit = 0;
        let n = 0;
        for (let y = (firstRow + r) * sy; y < Math.min((firstRow + r + 1) * sy, this.frameHeight); y++) {
          for (let x = c * sx; x < Math.min((c + 1) * sx, this.width); x++) {
            n++;
            if (y < this.top) continue;
            const i = ((y - this.top) * this.width + x) * 4;
            const a = this.rgba[i + 3]!;
            alpha += a;
            lit += value(this.rgba[i]!) * a;
          }
        }
        keep[r * columns + c] = 255 - Math.round(alpha / n);
        add[r * columns + c] = Math.round(lit / n);
      }
    }
    const w: Weights = { keep, add, columns, firstRow };
    this.cache.set(key, w);
    return w;
  }
}

/** Blends one sample per `step` bytes, starting `lane` bytes into each row of `plane`. */
function blendPlane(data: Uint8Array, plane: Plane, lane: number, step: number, w: Weights): void {
  const { keep, add, columns, firstRow } = w;
  const rows = keep.length / columns;
  for (let r = 0; r < rows; r++) {
    let i = plane.offset + (firstRow + r) * plane.stride + lane;
    let k = r * columns;
    for (let c = 0; c < columns; c++, i += step, k++) {
      data[i] = (data[i]! * keep[k]! + add[k]! + 127) / 255;
    }
  }
}
