import { crc32, deflateSync } from 'node:zlib';

/**
 * Small valid images built here, so tests need no image files: a PNG of any size (one colour) and a
 * grey baseline JPEG.
 */

/** A truecolour PNG of `width`×`height`, every pixel `rgb`. Large sizes compress to a few bytes. */
export function png(width: number, height: number, rgb: [number, number, number] = [36, 87, 214]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3); // filter byte 0 (none), then the pixels
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A mid-grey baseline JPEG of `width`×`height` (one component). Every 8×8 block is flat, so each is
 * coded as "DC unchanged, end of block": with one-symbol Huffman tables that is two 0 bits a block.
 */
export function jpeg(width: number, height: number): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const segment = (marker: number, data: number[]) => [
    0xff,
    marker,
    (data.length + 2) >> 8,
    (data.length + 2) & 0xff,
    ...data,
  ];
  // Two bits a block, padded with 1s to a whole byte as the format asks.
  const bits = '00'.repeat(blocks).padEnd(Math.ceil((blocks * 2) / 8) * 8, '1');
  const scan: number[] = [];
  for (let i = 0; i < bits.length; i += 8) scan.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from([
    0xff,
    0xd8, // start of image
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]), // quantisation table 0: all 1
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    // DC table 0 and AC table 0: one code of length 1 each, for category 0 and for end of block.
    ...segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00]),
    ...segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff,
    0xd9, // end of image
  ]);
}
