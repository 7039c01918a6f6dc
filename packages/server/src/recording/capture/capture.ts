import type { EgressServerMessage } from '@conclave/protocol';
import type { Readable, Writable } from 'node:stream';

/** Where a capture's packed media goes as it is made: the sealed recording store, a live stream. */
export interface CaptureOutput {
  /** What ffmpeg writes for it (packager.ts): the recording's MP4 on stdout, or a stream's HLS. */
  readonly packing: readonly string[];
  write(bytes: Uint8Array): Promise<void>;
  /** Everything was written: the output is final. */
  finish(): Promise<unknown>;
  /** The capture failed: whatever was written goes. */
  abort(): Promise<void>;
}

/** The recorder's browser, as a capture needs it. */
export interface LaunchedBrowser {
  readonly exited: Promise<void>;
  close(): Promise<void>;
}

/** The process packing the recorder's media (ffmpeg), as a capture needs it. */
export interface RunningPackager {
  readonly input: Writable;
  readonly output: Readable;
  readonly done: Promise<void>;
  finish(): void;
  kill(): void;
}

/** The recorder page's media socket, as a capture needs it. */
export interface RecorderLink {
  send(message: EgressServerMessage): void;
  close(): void;
  /** Stops reading the socket until `resume`: ffmpeg is behind. */
  pause(): void;
  resume(): void;
}

export interface CaptureParts {
  launch(): Promise<LaunchedBrowser>;
  pack(packing: readonly string[]): RunningPackager;
  output(): Promise<CaptureOutput>;
  /** Ran once the capture is over, however it ended (its token opens nothing any more). */
  release(): void;
  helloTimeoutMs: number;
  endTimeoutMs: number;
}

type State = 'launching' | 'recording' | 'stopping' | 'over';

/**
 * One recording or live stream as it runs (REC-START, STREAM-LIVE): the recorder's browser is
 * launched, its page joins the meeting and connects back (`connected`), what it sends is packed by
 * ffmpeg into the output as it comes, and `stop` asks the page for what is left, then finishes the
 * output. Any part failing (the browser, the page's socket, ffmpeg, the output) fails the whole
 * capture: the output is aborted, everything is let go, and `onFailed` is told once.
 */
export class Capture {
  private state: State = 'launching';
  private browser: LaunchedBrowser | null = null;
  private link: RecorderLink | null = null;
  private packager: RunningPackager | null = null;
  private out: CaptureOutput | null = null;
  /** Settles once the page's `end` came and the output is final. */
  private finished: Promise<void> | null = null;
  private started!: { resolve: () => void; reject: (err: Error) => void };
  private helloTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly parts: CaptureParts,
    private readonly onFailed: (error: Error) => void,
  ) {}

  /** Launches the recorder; resolves once its page records, rejects when it cannot start. */
  begin(): Promise<void> {
    const started = new Promise<void>((resolve, reject) => (this.started = { resolve, reject }));
    this.helloTimer = setTimeout(
      () => void this.fail(new Error('The recorder did not start in time')),
      this.parts.helloTimeoutMs,
    );
    void this.parts.launch().then(
      (browser) => {
        if (this.state === 'over') return void browser.close();
        this.browser = browser;
        void browser.exited.then(() => this.fail(new Error('The recorder’s browser exited')));
      },
      (err: unknown) => this.fail(asError(err, 'The recorder’s browser could not be started')),
    );
    return started;
  }

  /** The page connected back: packing starts. False when this capture takes no page (any more). */
  async connected(link: RecorderLink): Promise<boolean> {
    if (this.state !== 'launching' || this.link) return false;
    this.link = link;
    try {
      const out = await this.parts.output();
      if (this.isOver) {
        await out.abort();
        return false;
      }
      this.out = out;
      const packager = this.parts.pack(out.packing);
      this.packager = packager;
      const written = this.writeOut(packager.output, out);
      this.finished = Promise.all([packager.done, written]).then(async () => {
        await out.finish();
      });
      this.finished.catch(
        (err: unknown) => void this.fail(asError(err, 'The recording could not be written')),
      );
      packager.input.on('drain', () => link.resume());
    } catch (err) {
      void this.fail(asError(err, 'The recording could not be started'));
      return false;
    }
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.state = 'recording';
    link.send({ type: 'ready' });
    this.started.resolve();
    return true;
  }

  /** Bytes the page recorded, in order. */
  media(bytes: Buffer): void {
    if (this.state !== 'recording' && this.state !== 'stopping') return;
    if (!this.packager?.input.write(bytes)) this.link?.pause();
  }

  /** The page sent all it had: ffmpeg finishes the file. */
  ended(): void {
    if (this.state !== 'recording' && this.state !== 'stopping') return;
    this.packager?.finish();
    // The page stopped by itself (its meeting ended): what it recorded is kept, and said to be over.
    if (this.state === 'recording') {
      this.state = 'stopping';
      void this.settle().then(() => this.onFailed(new Error('The recorder stopped')));
    }
  }

  /**
   * The page's socket closed. While stopping, what came is the recording; before, the capture failed.
   */
  disconnected(): void {
    if (this.state === 'over') return;
    if (this.state === 'stopping') this.packager?.finish();
    else void this.fail(new Error('The recorder’s connection closed'));
  }

  /** Stops: the page sends what is left, the output is made final. Resolves once it is. */
  async stop(): Promise<void> {
    if (this.state === 'over') return;
    if (this.state === 'launching') {
      await this.shutDown();
      this.started.reject(new Error('The capture was stopped before it started'));
      return;
    }
    if (this.state === 'recording') {
      this.state = 'stopping';
      this.link?.send({ type: 'stop' });
      // A page that does not answer in time: what came so far is the recording.
      const late = setTimeout(() => this.packager?.finish(), this.parts.endTimeoutMs);
      try {
        await this.settle();
      } finally {
        clearTimeout(late);
      }
      return;
    }
    await this.settle();
  }

  private get isOver(): boolean {
    return this.state === 'over';
  }

  /** Waits for the output to be final, then lets everything go. */
  private async settle(): Promise<void> {
    try {
      await this.finished;
    } finally {
      await this.shutDown();
    }
  }

  private async writeOut(from: Readable, to: CaptureOutput): Promise<void> {
    for await (const chunk of from) await to.write(chunk as Buffer);
  }

  private async fail(error: Error): Promise<void> {
    if (this.state === 'over') return;
    const wasStarted = this.state !== 'launching';
    this.packager?.kill();
    await this.shutDown();
    await this.out?.abort().catch(() => undefined);
    if (wasStarted) this.onFailed(error);
    else this.started.reject(error);
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'over') return;
    this.state = 'over';
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.parts.release();
    this.link?.close();
    await this.browser?.close();
  }
}

function asError(err: unknown, fallback: string): Error {
  return err instanceof Error ? err : new Error(fallback);
}
