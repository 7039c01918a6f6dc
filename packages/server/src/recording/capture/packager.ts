import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * ffmpeg's arguments: the recorder's WebM (H.264 and Opus) in on stdin, a fragmented MP4 out on
 * stdout. The video is copied, never re-encoded (docs/notes/recording-capture-spike.md, 2c); the
 * voices become AAC, which every player takes. Fragments start on the recorder's keyframes (every
 * 2 s), so the output can be written as it comes, with nothing in a file, and played and sought
 * fragment by fragment.
 */
const ARGS = [
  '-hide_banner',
  '-loglevel',
  'error',
  '-fflags',
  '+genpts',
  '-f',
  'webm',
  '-i',
  'pipe:0',
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
  '-f',
  'mp4',
  '-movflags',
  '+frag_keyframe+empty_moov+default_base_moof',
  'pipe:1',
];

/** What ffmpeg said last on stderr, for the failure's message (it never sees a secret). */
const STDERR_KEPT = 2_000;

/**
 * One ffmpeg packing a recorder's media (REC-START): `input` takes what the recorder sends, `output`
 * gives the MP4 as it is made, `done` settles when ffmpeg has finished (rejecting when it failed).
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

  static start(executable: string): Packager {
    return new Packager(spawn(executable, ARGS, { stdio: ['pipe', 'pipe', 'pipe'] }));
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
