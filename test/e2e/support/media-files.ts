import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The first bytes of the container formats a recording or a media dump would be written in. */
const SIGNATURES: { format: string; at: number; bytes: Buffer }[] = [
  { format: 'WebM/Matroska', at: 0, bytes: Buffer.from([0x1a, 0x45, 0xdf, 0xa3]) },
  { format: 'MP4/ISO BMFF', at: 4, bytes: Buffer.from('ftyp') },
  { format: 'Ogg (Opus)', at: 0, bytes: Buffer.from('OggS') },
  { format: 'Janus recording (.mjr)', at: 0, bytes: Buffer.from('MJR0') },
  { format: 'IVF (VP8)', at: 0, bytes: Buffer.from('DKIF') },
  { format: 'WAV', at: 8, bytes: Buffer.from('WAVE') },
  { format: 'Y4M', at: 0, bytes: Buffer.from('YUV4MPEG2') },
  { format: 'HLS playlist', at: 0, bytes: Buffer.from('#EXTM3U') },
];

const MPEG_TS_SYNC = 0x47;
const TS_PACKET = 188;

/** The media format a file's first bytes say it is in, or null. */
async function mediaFormat(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(TS_PACKET * 2 + 1);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    for (const s of SIGNATURES) {
      if (bytes.subarray(s.at, s.at + s.bytes.length).equals(s.bytes)) return s.format;
    }
    if (bytesRead > TS_PACKET * 2 && [0, TS_PACKET, TS_PACKET * 2].every((i) => bytes[i] === MPEG_TS_SYNC)) {
      return 'MPEG-TS';
    }
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Every file under `roots` changed since `since` (ms) whose first bytes are those of a media container,
 * with its format. Folders named in `skip` are not entered.
 */
export async function mediaFilesChangedSince(
  roots: readonly string[],
  since: number,
  skip: ReadonlySet<string> = new Set(),
): Promise<{ file: string; format: string }[]> {
  const found: { file: string; format: string }[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone meanwhile, or not ours to read
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(entry.name)) await visit(path);
      } else if (entry.isFile()) {
        const info = await stat(path).catch(() => null);
        if (!info || info.mtimeMs < since || info.size === 0) continue;
        const format = await mediaFormat(path).catch(() => null);
        if (format) found.push({ file: path, format });
      }
    }
  };
  for (const root of roots) await visit(root);
  return found;
}
