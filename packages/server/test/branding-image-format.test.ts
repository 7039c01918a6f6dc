import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectImage } from '../src/branding/image-format';
import { jpeg, png } from './support/images';

/** A WebP file's first chunk, as the three kinds of WebP write it, padded as a real file would be. */
function webp(fourcc: 'VP8 ' | 'VP8L' | 'VP8X', payload: number[]): Buffer {
  const data = Buffer.from([...payload, ...new Array<number>(16).fill(0)]);
  const chunk = Buffer.concat([Buffer.from(fourcc, 'latin1'), u32(data.length), data]);
  return Buffer.concat([
    Buffer.from('RIFF', 'latin1'),
    u32(chunk.length + 4),
    Buffer.from('WEBP', 'latin1'),
    chunk,
  ]);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

test('ADM-SETTINGS: an image’s format and size come from its own bytes (PNG, JPEG, the three WebPs)', () => {
  assert.deepEqual(inspectImage(png(120, 40)), { type: 'image/png', width: 120, height: 40 });
  assert.deepEqual(inspectImage(jpeg(64, 36)), { type: 'image/jpeg', width: 64, height: 36 });
  // Lossless: 14 bits each of width-1 and height-1 after the signature byte.
  const bits = (300 - 1) | ((200 - 1) << 14);
  assert.deepEqual(inspectImage(webp('VP8L', [0x2f, ...u32(bits)])), {
    type: 'image/webp',
    width: 300,
    height: 200,
  });
  // Lossy: a key frame's tag, its start code, then 14-bit width and height.
  assert.deepEqual(inspectImage(webp('VP8 ', [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x07, 0x38, 0x04])), {
    type: 'image/webp',
    width: 1920,
    height: 1080,
  });
  // Extended: flags, then 24-bit canvas width-1 and height-1.
  assert.deepEqual(inspectImage(webp('VP8X', [0x10, 0, 0, 0, 0xff, 0x0e, 0x00, 0x6f, 0x08, 0x00])), {
    type: 'image/webp',
    width: 3840,
    height: 2160,
  });
});

test('ADM-SETTINGS: SVG, HTML, GIF, truncated headers and a JPEG without a frame are no image', () => {
  const refused = {
    svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    'svg with an XML declaration': Buffer.from('<?xml version="1.0"?><svg/>'),
    html: Buffer.from('<!doctype html><script>alert(1)</script>'),
    gif: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
    'a PNG signature alone': png(1, 1).subarray(0, 12),
    'a PNG of no pixels': png(0, 0),
    'a JPEG cut before its frame': jpeg(8, 8).subarray(0, 60),
    'a JPEG with no frame before its scan': Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]),
    'a WebP of an unknown kind': webp('VP8X', []).fill(0x41, 12, 16),
    empty: Buffer.alloc(0),
  };
  for (const [what, bytes] of Object.entries(refused)) assert.equal(inspectImage(bytes), null, what);
});
