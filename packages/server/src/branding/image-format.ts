import type { BrandingImageType } from '@conclave/protocol';

/** What an image's own bytes say it is: its format and its size in pixels. */
export interface ImageFacts {
  type: BrandingImageType;
  width: number;
  height: number;
}

/**
 * Reads the format from the magic bytes and the size from the header, never trusting the content type
 * or the file's name: an HTML or SVG file called logo.png is none of the formats and gets null. Only
 * the header is read; whether the rest decodes is the browser's business (it shows images, and the
 * image is served with `nosniff` and a CSP that forbids everything, so it can only ever be one).
 */
export function inspectImage(bytes: Uint8Array): ImageFacts | null {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return png(data) ?? jpeg(data) ?? webp(data);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The signature, then the IHDR chunk, which must come first: width and height as 32-bit big-endian. */
function png(data: Buffer): ImageFacts | null {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (data.toString('latin1', 12, 16) !== 'IHDR') return null;
  return sized('image/png', data.readUInt32BE(16), data.readUInt32BE(20));
}

/**
 * SOI, then segments until a start-of-frame, which holds the size. Markers C4 (Huffman tables), C8
 * (reserved) and CC (arithmetic coding) share the SOF range but are not frames.
 */
function jpeg(data: Buffer): ImageFacts | null {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8 || data[2] !== 0xff) return null;
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0-7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // Start of scan or end of image before any frame: no size to read.
    if (marker === 0xda || marker === 0xd9) return null;
    const length = data.readUInt16BE(at + 2);
    if (length < 2) return null;
    const frame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (frame) {
      if (at + 9 > data.length) return null;
      return sized('image/jpeg', data.readUInt16BE(at + 7), data.readUInt16BE(at + 5));
    }
    at += 2 + length;
  }
  return null;
}

/** RIFF…WEBP, then the first chunk: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webp(data: Buffer): ImageFacts | null {
  if (data.length < 30) return null;
  if (data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WEBP') return null;
  switch (data.toString('latin1', 12, 16)) {
    case 'VP8 ':
      // A key frame's start code, then 14-bit width and height (the top 2 bits are scaling).
      if (data[23] !== 0x9d || data[24] !== 0x01 || data[25] !== 0x2a) return null;
      return sized('image/webp', data.readUInt16LE(26) & 0x3fff, data.readUInt16LE(28) & 0x3fff);
    case 'VP8L': {
      if (data[20] !== 0x2f) return null;
      const bits = data.readUInt32LE(21);
      return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    case 'VP8X':
      return sized('image/webp', data.readUIntLE(24, 3) + 1, data.readUIntLE(27, 3) + 1);
    default:
      return null;
  }
}

function sized(type: BrandingImageType, width: number, height: number): ImageFacts | null {
  return width > 0 && height > 0 ? { type, width, height } : null;
}
