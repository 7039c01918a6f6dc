import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A synthetic camera picture with a known person in it, for the background effects (issue 19): a
 * head (skin, hair, eyes, mouth), neck and shoulders in a blue shirt, in front of a room with a
 * window and a bookshelf whose stripes are fine detail that a blur removes. MediaPipe's selfie
 * segmentation finds this drawing as a person (measured: the mask covers head and shoulders and
 * nothing of the room), which a plain rectangle would not promise.
 */
export const PERSON = {
  width: 640,
  height: 360,
  /** Boxes (x, y, width, height in pixels) inside the person and inside the room's bookshelf. */
  face: { x: 290, y: 110, w: 60, h: 40 },
  torso: { x: 250, y: 300, w: 140, h: 50 },
  shelf: { x: 490, y: 60, w: 100, h: 240 },
} as const;

/** The picture as RGB bytes, PERSON.width × PERSON.height. */
function personPicture(): Uint8Array {
  const { width: w, height: h } = PERSON;
  const rgb = new Uint8Array(w * h * 3);
  const cx = w / 2;
  const inEllipse = (x: number, y: number, ex: number, ey: number, rx: number, ry: number) =>
    ((x - ex) / rx) ** 2 + ((y - ey) / ry) ** 2 <= 1;
  const hy = h * 0.36;
  const torsoTop = h * 0.62;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // The room: a warm wall, a window, a bookshelf of narrow spines, the floor.
      let r = 200 - y * 0.1;
      let g = 190 - y * 0.1;
      let b = 170 - y * 0.15;
      if (x > w * 0.06 && x < w * 0.26 && y > h * 0.12 && y < h * 0.55) [r, g, b] = [150, 190, 230];
      if (x > w * 0.75 && x < w * 0.95 && y > h * 0.1 && y < h * 0.9) {
        const row = Math.floor((y / h) * 8);
        const col = Math.floor((x / w) * 60);
        [r, g, b] = [
          90 + ((row * 7 + col * 13) % 5) * 30,
          60 + ((col * 3) % 4) * 25,
          40 + ((row + col) % 3) * 30,
        ];
      }
      if (y > h * 0.88) [r, g, b] = [120, 90, 60];
      // The person: shoulders and torso, neck, head, hair.
      const half = 70 + (y - torsoTop) * 1.2;
      const shoulders = y > torsoTop + 30 || inEllipse(x, y, cx, torsoTop + 30, half, 30);
      if (y >= torsoTop && Math.abs(x - cx) < half && shoulders) [r, g, b] = [40, 70, 130];
      if (Math.abs(x - cx) < 22 && y > hy + 40 && y < torsoTop + 10) [r, g, b] = [205, 150, 120];
      if (inEllipse(x, y, cx, hy, 52, 66)) {
        [r, g, b] = [220, 170, 140];
        if (inEllipse(x, y, cx - 18, hy - 8, 7, 4) || inEllipse(x, y, cx + 18, hy - 8, 7, 4))
          [r, g, b] = [40, 30, 30];
        if (inEllipse(x, y, cx, hy + 30, 16, 5)) [r, g, b] = [170, 80, 80];
        if (inEllipse(x, y, cx, hy + 8, 5, 12)) [r, g, b] = [200, 145, 115];
      }
      if (inEllipse(x, y, cx, hy - 30, 58, 40) && y < hy - 20) [r, g, b] = [60, 40, 25];
      const i = (y * w + x) * 3;
      rgb[i] = r;
      rgb[i + 1] = g;
      rgb[i + 2] = b;
    }
  }
  return rgb;
}

/** Luma (BT.601) of the picture, one number per pixel, as the tests compare it. */
export function personLuma(): number[] {
  const rgb = personPicture();
  const luma: number[] = [];
  for (let i = 0; i < rgb.length; i += 3)
    luma.push(0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!);
  return luma;
}

/**
 * Writes the picture as a Y4M video (4:2:0, BT.601, 30 fps, `frames` identical frames) for
 * Chromium's `--use-file-for-fake-video-capture`, which loops it.
 */
export async function writePersonVideo(path: string, frames = 2): Promise<void> {
  const { width: w, height: h } = PERSON;
  const rgb = personPicture();
  const y = new Uint8Array(w * h);
  const u = new Uint8Array((w / 2) * (h / 2));
  const v = new Uint8Array((w / 2) * (h / 2));
  const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const i = (row * w + col) * 3;
      const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
      y[row * w + col] = clamp(16 + 0.257 * r + 0.504 * g + 0.098 * b);
      if (row % 2 === 0 && col % 2 === 0) {
        const c = (row / 2) * (w / 2) + col / 2;
        u[c] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        v[c] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
      }
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\n`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
