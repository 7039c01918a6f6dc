import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** ffmpeg's input: the recorder's WebM (H.264 and Opus) on stdin. */
const INPUT = ['-hide_banner', '-loglevel', 'error', '-fflags', '+genpts', '-f', 'webm', '-i', 'pipe:0'];

/**
 * The video is copied, never re-encoded (docs/notes/recording-capture-spike.md, 2c); the voices
 * become AAC, which every player takes.
 */
const CODECS = [
  '-map',
  '0:v:0',
  '-map',
  '0:a:0',
  '-c:v',
  'copy',
  '-c:a',
  'aac',
  '-b:a',
  '128k',
  '-ar',
  '48000',
];

/**
 * A recording: a fragmented MP4 on stdout. Fragments start on the recorder's keyframes (every 1 s),
 * so the file is written as it comes, with nothing in a file, and its index (`mfra`) at the end lets
 * a player seek.
 */
export const RECORDING_OUTPUT = [
  ...CODECS,
  '-f',
  'mp4',
  '-movflags',
  '+frag_keyframe+empty_moov+default_base_moof',
  'pipe:1',
];

/**
 * A live stream (STREAM-LIVE): HLS segments of 1 s (a keyframe each: the recorder makes one every
 * second) in `folder`, each encrypted with AES-128 under the key `keyInfo` names, the playlist
 * keeping the latest few (older segments are deleted).
 */
export function streamOutput(folder: string, keyInfo: string): string[] {
  return [
    ...CODECS,
    '-f',
    'hls',
    '-hls_time',
    '1',
    '-hls_list_size',
    '10',
    '-hls_flags',
    'delete_segments+independent_segments',
    '-hls_key_info_file',
    keyInfo,
    '-hls_segment_filename',
    `${folder}/seg%05d.ts`,
    `${folder}/index.m3u8`,
  ];
}

/** What ffmpeg said last on stderr, for the failure's message (it never sees a secret). */
const STDERR_KEPT = 2_000;

/**
 * One ffmpeg packing a recorder's media (REC-START, STREAM-LIVE): `input` takes what the recorder
 * sends, `output` gives what ffmpeg writes on stdout (a recording's MP4 as it is made), `done`
 * settles when ffmpeg has finished (rejecting when it failed).
 */
export class Packager {
  readonly done: Promise<void>;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (data: Buffer) => {
      this.stderr = (this.stderr + data.toString('utf8')).slice(-STDERR_KEPT);
    });
    this.done = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`ffmpeg ended with ${signal ?? code}: ${this.stderr.trim() || 'no message'}`));
      });
    });
    // Fails `done` instead; a write after ffmpeg died must not throw on its own.
    child.stdin?.on('error', () => undefined);
  }

  /** ffmpeg reading the recorder's media, writing `output` (RECORDING_OUTPUT, streamOutput). */
  static start(executable: string, output: readonly string[]): Packager {
    return new Packager(spawn(executable, [...INPUT, ...output], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  get input(): Writable {
    return this.child.stdin as Writable;
  }

  get output(): Readable {
    return this.child.stdout as Readable;
  }

  /** Nothing more comes in: ffmpeg writes the rest and ends. */
  finish(): void {
    this.input.end();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
