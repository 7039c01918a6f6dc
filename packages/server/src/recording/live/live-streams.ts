import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamOutput, type CaptureOutput } from '../capture';

/** A live stream as this node serves it: its encrypted segments' folder and their key. */
export interface LiveStream {
  meetingId: string;
  organisationId: string;
  folder: string;
  /** AES-128: what the key endpoint hands to viewers allowed to watch. */
  key: Buffer;
}

/** A segment's file name, as ffmpeg writes them (packager.ts). */
const SEGMENT_NAME = /^seg\d{5}\.ts$/;

/**
 * The live streams of this node's meetings (STREAM-LIVE): ffmpeg writes each one's HLS segments,
 * encrypted with AES-128, into a folder only this process can read, and the playlist names the key
 * endpoint, which checks every viewer. The key's file is there only until ffmpeg has read it; the
 * folder goes when the stream ends.
 */
export class LiveStreams {
  private readonly live = new Map<string, LiveStream>();

  get(meetingId: string): LiveStream | undefined {
    return this.live.get(meetingId);
  }

  /** Opens the stream of a meeting: the output a capture packs into. */
  async open(meetingId: string, organisationId: string): Promise<CaptureOutput> {
    const folder = await mkdtemp(join(tmpdir(), 'conclave-stream-'));
    const key = randomBytes(16);
    const keyFile = join(folder, 'key');
    const keyInfo = join(folder, 'key.info');
    await writeFile(keyFile, key, { mode: 0o600 });
    // The URI the playlist gives for the key, relative to the playlist: the key endpoint.
    await writeFile(keyInfo, `key\n${keyFile}\n`, { mode: 0o600 });
    const stream: LiveStream = { meetingId, organisationId, folder, key };
    this.live.set(meetingId, stream);
    const close = async () => {
      if (this.live.get(meetingId) === stream) this.live.delete(meetingId);
      await rm(folder, { recursive: true, force: true });
    };
    return {
      packing: streamOutput(folder, keyInfo),
      // ffmpeg writes the segments itself; nothing comes on its stdout.
      write: async () => undefined,
      finish: close,
      abort: close,
    };
  }

  /** The current playlist, once ffmpeg has written one; the key's files go then (ffmpeg read them). */
  async playlist(stream: LiveStream): Promise<string | null> {
    const text = await readFile(join(stream.folder, 'index.m3u8'), 'utf8').catch(() => null);
    if (text !== null) {
      await rm(join(stream.folder, 'key'), { force: true });
      await rm(join(stream.folder, 'key.info'), { force: true });
    }
    return text;
  }

  /** A segment's encrypted bytes, or null when it is gone (or never was). */
  async segment(stream: LiveStream, name: string): Promise<Buffer | null> {
    if (!SEGMENT_NAME.test(name)) return null;
    return readFile(join(stream.folder, name)).catch(() => null);
  }
}
