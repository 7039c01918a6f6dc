/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutBand } from '../src/e2ee/watermark-band';
import { BandOverlay, canBlend, type Plane } from '../src/e2ee/watermark-blend';

/** Bold sans-serif is about 0.62 em per letter; "gusut nubum tiguh puhib" has 23 characters. */
const codewordWidth = (fontPx: number): number => 23 * 0.62 * fontPx;

test('E2EE-WATERMARK: the band sits along the bottom, its text scaled to the frame height', () => {
  const small = layoutBand(640, 360, codewordWidth);
  assert.equal(small.fontPx, 27, '27 px letters at 640×360');
  assert.equal(small.top + small.height, 360, 'the band reaches the bottom edge');
  assert.ok(small.height >= small.fontPx * 1.5 && small.height <= 360 * 0.15, `band ${small.height} px`);
  assert.equal(small.top % 2, 0, 'starts on a chroma row of a 4:2:0 frame');

  const large = layoutBand(1280, 720, codewordWidth);
  assert.equal(large.fontPx, 54, 'twice the height, twice the letters');
  assert.equal(large.top + large.height, 720);
});

test('E2EE-WATERMARK: the lock and text are centred, and a narrow frame shrinks them to fit its width', () => {
  const wide = layoutBand(640, 360, codewordWidth);
  const content = wide.fontPx * 1.02 + codewordWidth(wide.fontPx);
  assert.ok(Math.abs(wide.left - (640 - content) / 2) <= 1, `left ${wide.left}`);

  // Portrait 360×640: the height alone would ask for 48 px letters, about 690 px of text.
  const narrow = layoutBand(360, 640, codewordWidth);
  assert.ok(narrow.fontPx < 48, `shrunk to ${narrow.fontPx} px`);
  const used = narrow.fontPx * 1.02 + codewordWidth(narrow.fontPx);
  assert.ok(narrow.left >= 0 && narrow.left + used <= 360, 'every word inside the frame');
  assert.ok(narrow.fontPx >= 12, 'never below the legible minimum');
});

/**
 * A 6×6 frame whose bottom 4 rows are the band: a black ground at alpha 158 (0.62) and one white,
 * opaque "text" pixel at (1, 3).
 */
const W = 6;
const H = 6;
const TOP = 2;
function band(): BandOverlay {
  const rgba = new Uint8ClampedArray(W * (H - TOP) * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba[i + 3] = 158;
  rgba.set([255, 255, 255, 255], ((3 - TOP) * W + 1) * 4);
  return new BandOverlay(rgba, W, TOP, H);
}

/** An I420 frame, tightly laid out: luma `y`, chroma `u` and `v` everywhere. */
function i420(y: number, u: number, v: number): { data: Uint8Array; planes: Plane[] } {
  const data = new Uint8Array(W * H + 2 * (W / 2) * (H / 2));
  data.fill(y, 0, W * H);
  data.fill(u, W * H, W * H + 9);
  data.fill(v, W * H + 9);
  return {
    data,
    planes: [
      { offset: 0, stride: W },
      { offset: W * H, stride: W / 2 },
      { offset: W * H + 9, stride: W / 2 },
    ],
  };
}

test('E2EE-WATERMARK: in a video-range I420 frame the band darkens and greys its rows and leaves the rest alone', () => {
  const { data, planes } = i420(200, 60, 90);
  band().blend(data, 'I420', planes, false);
  const luma = (x: number, y: number): number => data[y * W + x]!;
  const u = (x: number, y: number): number => data[W * H + y * 3 + x]!;
  const v = (x: number, y: number): number => data[W * H + 9 + y * 3 + x]!;
  assert.deepEqual(
    [luma(0, 0), luma(5, 1), u(0, 0), v(2, 0)],
    [200, 200, 60, 90],
    'above the band: as it was',
  );
  // 200 × (1 − 0.62) + 16 (video-range black) × 0.62
  assert.equal(luma(0, 2), 86);
  assert.equal(luma(5, 5), 86);
  assert.equal(luma(1, 3), 235, 'the text pixel is video-range white');
  // Chroma pulled 62 % of the way to neutral (128)…
  assert.equal(u(2, 1), 102);
  assert.equal(v(2, 2), 114);
  // …and further where the chroma sample covers the white pixel (mean alpha (255 + 3 × 158) / 4).
  assert.equal(u(0, 1), 109);
});

test('E2EE-WATERMARK: NV12 gets the same band as I420, and full range puts black at 0', () => {
  const planar = i420(200, 60, 60);
  band().blend(planar.data, 'I420', planar.planes, true);
  const nv12 = new Uint8Array(W * H + W * (H / 2));
  nv12.fill(200, 0, W * H);
  nv12.fill(60, W * H);
  band().blend(
    nv12,
    'NV12',
    [
      { offset: 0, stride: W },
      { offset: W * H, stride: W },
    ],
    true,
  );
  assert.deepEqual(nv12.subarray(0, W * H), planar.data.subarray(0, W * H));
  assert.equal(nv12[2 * W], Math.round((200 * 97) / 255), 'full-range black is 0');
  for (let i = 0; i < 9; i++) {
    assert.equal(nv12[W * H + 2 * i], planar.data[W * H + i], `U sample ${i}`);
    assert.equal(nv12[W * H + 2 * i + 1], planar.data[W * H + 9 + i], `V sample ${i}`);
  }
});

test('E2EE-WATERMARK: RGB frames get the band in every colour channel and keep their alpha', () => {
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < data.length; i += 4) data.set([200, 100, 50, 255], i);
  band().blend(data, 'BGRA', [{ offset: 0, stride: W * 4 }], false);
  const px = (x: number, y: number): number[] => [...data.subarray((y * W + x) * 4, (y * W + x) * 4 + 4)];
  assert.deepEqual(px(3, 1), [200, 100, 50, 255]);
  assert.deepEqual(px(3, 4), [76, 38, 19, 255]);
  assert.deepEqual(px(1, 3), [255, 255, 255, 255]);
});

test('E2EE-WATERMARK: formats the blend cannot read are left to the canvas path', () => {
  for (const f of ['I420', 'NV12', 'RGBA', 'BGRX', 'I444']) assert.ok(canBlend(f), f);
  for (const f of [null, 'I420P10', 'I444P12']) assert.equal(canBlend(f), false, String(f));
  assert.throws(() => band().blend(new Uint8Array(64), 'I420P10', [{ offset: 0, stride: 8 }], false));
});
