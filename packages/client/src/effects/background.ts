import type { BreakoutBox } from '../e2ee/watermark';
import { Compositor, type Backdrop } from './composite';
import { PaceWatch } from './pace';
import { EffectUnavailableError, type TrackProcessor } from './processor';
import { loadSegmenter, type Segmenter } from './segmenter';

/** Blur what is behind the person, or show a picture there instead. */
export type BackgroundEffect =
  | { mode: 'blur'; strength: 'light' | 'strong' }
  /** A picture, a file the person chose, or the address of a picture on this site. */
  | { mode: 'replace'; image: ImageBitmap | Blob | string };

export interface BackgroundOptions {
  effect: BackgroundEffect;
  /**
   * Where MediaPipe's selfie segmentation files (those of `@mediapipe/selfie_segmentation`) are served,
   * e.g. '/effects/mediapipe/': the web app serves them itself, and nothing is fetched from elsewhere.
   */
  assetsUrl: string | URL;
}

/** The largest picture it sends; a 1080p camera is scaled down to this (the page draws every picture). */
const MAX_SIZE = { width: 1280, height: 720 };
/** The landscape model's input size. */
const MODEL_SIZE = { width: 256, height: 144 };
/** How long the first picture may take once the model runs. */
const FIRST_PICTURE_TIMEOUT_MS = 10_000;
/**
 * The model runs at most this often (about 12 times a second): it costs the page more than drawing
 * a picture, and a person moves little in 80 ms, so every picture still goes out, with the newest mask.
 */
const MASK_INTERVAL_MS = 80;
/** A mask this old while pictures come means the model stopped keeping up. */
const STALE_MASK_MS = 3000;

function breakoutBox(): BreakoutBox {
  const scope = globalThis as Partial<BreakoutBox>;
  const { MediaStreamTrackProcessor, MediaStreamTrackGenerator } = scope;
  if (!MediaStreamTrackProcessor || !MediaStreamTrackGenerator || typeof OffscreenCanvas === 'undefined') {
    throw new EffectUnavailableError(
      'This browser cannot process camera video (no MediaStreamTrackProcessor)',
    );
  }
  return { MediaStreamTrackProcessor, MediaStreamTrackGenerator };
}

async function backdropOf(effect: BackgroundEffect): Promise<Backdrop> {
  if (effect.mode === 'blur') return { blur: effect.strength };
  try {
    if (effect.image instanceof ImageBitmap) return { image: effect.image };
    const blob =
      effect.image instanceof Blob
        ? effect.image
        : await fetch(new URL(effect.image, location.href)).then((r) => {
            if (!r.ok) throw new Error(`HTTP ${r.status}`);
            return r.blob();
          });
    return { image: await createImageBitmap(blob) };
  } catch (err) {
    throw new EffectUnavailableError('The background picture could not be loaded', { cause: err });
  }
}

/** `width`×`height` scaled down to fit MAX_SIZE, even numbers (what encoders want). */
function outputSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIZE.width / width, MAX_SIZE.height / height);
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

/**
 * Background blur or replacement on a camera track (issue 19), on the device, before the track is
 * sent, so it works under E2EE (whose Codeword is drawn in later, on what this sends).
 *
 * The camera's frames come through the breakout box (MediaStreamTrackProcessor/Generator) on the
 * page: MediaPipe's legacy loader runs only on a page or in a classic worker, which the SDK's
 * bundlers do not make. Each picture is drawn with the newest person mask; the model runs on the
 * next picture as soon as it is free, so a slow model lowers how often the mask moves, not the frame
 * rate. Nothing goes out before the first mask (never the room behind the person), and when the
 * device cannot keep up the output ends (an `ended` event) rather than freezing: the caller then
 * sends the plain camera.
 */
export class BackgroundProcessor implements TrackProcessor {
  readonly kind = 'video';
  readonly name: string;
  private run: Run | null = null;
  private segmenter: Promise<Segmenter> | null = null;
  private backdrop: Promise<Backdrop> | null = null;
  private generation = 0;

  constructor(private readonly options: BackgroundOptions) {
    this.name = options.effect.mode === 'blur' ? 'background-blur' : 'background-replace';
  }

  async process(input: MediaStreamTrack): Promise<MediaStreamTrack> {
    if (input.kind !== 'video') throw new TypeError(`${this.name} needs a video track, got ${input.kind}`);
    const generation = ++this.generation;
    this.run?.stop();
    this.run = null;
    const box = breakoutBox();
    this.segmenter ??= loadSegmenter(this.options.assetsUrl);
    this.backdrop ??= backdropOf(this.options.effect);
    let segmenter: Segmenter;
    let backdrop: Backdrop;
    try {
      [segmenter, backdrop] = await Promise.all([this.segmenter, this.backdrop]);
    } catch (err) {
      this.forget();
      throw err instanceof EffectUnavailableError
        ? err
        : new EffectUnavailableError('Background effects could not start', { cause: err });
    }
    if (generation !== this.generation) throw new DOMException('Stopped meanwhile', 'AbortError');
    const run = new Run(input, box, segmenter, new Compositor(backdrop));
    this.run = run;
    try {
      await run.firstPicture;
    } catch (err) {
      if (this.run === run) this.run = null;
      run.stop();
      throw err;
    }
    if (generation !== this.generation) {
      run.stop();
      throw new DOMException('Stopped meanwhile', 'AbortError');
    }
    return run.track;
  }

  stop(): void {
    this.generation++;
    this.run?.stop();
    this.run = null;
    this.forget();
  }

  /** Frees the model (loaded again by the next `process`). */
  private forget(): void {
    const segmenter = this.segmenter;
    this.segmenter = null;
    this.backdrop = null;
    segmenter?.then((s) => s.close()).catch(() => undefined);
  }
}

/** One camera track being processed. */
class Run {
  readonly track: MediaStreamTrack;
  readonly firstPicture: Promise<void>;
  private readonly reader: ReadableStreamDefaultReader<VideoFrame>;
  private readonly writer: WritableStreamDefaultWriter<VideoFrame>;
  private stopped = false;
  private first!: { resolve(): void; reject(err: Error): void };

  constructor(
    private readonly input: MediaStreamTrack,
    box: BreakoutBox,
    private readonly segmenter: Segmenter,
    private readonly compositor: Compositor,
  ) {
    const processor = new box.MediaStreamTrackProcessor({ track: input });
    const generator = new box.MediaStreamTrackGenerator({ kind: 'video' });
    generator.contentHint = input.contentHint;
    this.track = generator;
    this.reader = processor.readable.getReader();
    this.writer = generator.writable.getWriter();
    this.firstPicture = new Promise((resolve, reject) => (this.first = { resolve, reject }));
    const timer = setTimeout(
      () =>
        this.first.reject(new EffectUnavailableError('The background effect produced no picture in time')),
      FIRST_PICTURE_TIMEOUT_MS,
    );
    void this.firstPicture.then(
      () => clearTimeout(timer),
      () => {
        clearTimeout(timer);
        this.stop();
      },
    );
    void this.loop();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // Settles a pending read with `done`, so the loop ends without waiting for a frame.
    this.reader.cancel().catch(() => undefined);
    this.track.stop();
  }

  private async loop(): Promise<void> {
    const pace = new PaceWatch(this.input.getSettings().frameRate ?? 30, performance.now());
    // Set in callbacks too: typed so that TypeScript does not take them for null throughout.
    let mask = null as ImageBitmap | null;
    let maskAt = 0;
    let lastFrameAt = performance.now();
    let segmenting = false;
    let askedAt = -Infinity;
    let failure = null as Error | null;
    const over = () => this.stopped || failure !== null;
    const watch = setInterval(() => {
      const now = performance.now();
      const stale = mask !== null && now - maskAt > STALE_MASK_MS && now - lastFrameAt < 1000;
      if (pace.tick(now) || stale) failure ??= new EffectUnavailableError('This device cannot keep up');
      // A read pending on a camera that still runs: ends it so the failure is acted on.
      if (failure) this.reader.cancel().catch(() => undefined);
    }, 1000);
    try {
      while (!over()) {
        const { done, value: frame } = await this.reader.read();
        if (done) break;
        if (over()) {
          frame.close();
          break;
        }
        const started = performance.now();
        lastFrameAt = started;
        if (!segmenting && started - askedAt >= MASK_INTERVAL_MS) {
          segmenting = true;
          askedAt = started;
          let small: ImageBitmap;
          try {
            small = await createImageBitmap(frame, {
              resizeWidth: MODEL_SIZE.width,
              resizeHeight: MODEL_SIZE.height,
            });
          } catch (err) {
            frame.close();
            throw err;
          }
          const asked = performance.now();
          this.segmenter
            .segment(small)
            .then(
              (next) => {
                pace.busy(performance.now() - asked);
                if (this.stopped) return next.close();
                mask?.close();
                mask = next;
                maskAt = performance.now();
              },
              (err: unknown) => {
                failure ??= err instanceof Error ? err : new Error(String(err));
              },
            )
            .finally(() => {
              small.close();
              segmenting = false;
            });
        }
        // Before the first mask nothing goes out: never the room behind the person.
        if (!mask) {
          frame.close();
          continue;
        }
        let picture: VideoFrame;
        try {
          const { width, height } = outputSize(frame.displayWidth, frame.displayHeight);
          const canvas = this.compositor.draw(frame, mask, width, height);
          picture = new VideoFrame(canvas, {
            timestamp: frame.timestamp,
            ...(frame.duration !== null && { duration: frame.duration }),
          });
        } finally {
          frame.close();
        }
        pace.busy(performance.now() - started);
        try {
          // The generator takes the picture and closes it once sent.
          await this.writer.write(picture);
        } catch {
          picture.close();
          break;
        }
        this.first.resolve();
        if (pace.sent(performance.now()))
          failure ??= new EffectUnavailableError('This device cannot keep up');
      }
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    } finally {
      clearInterval(watch);
      mask?.close();
      await this.reader.cancel().catch(() => undefined);
      await this.writer.abort().catch(() => undefined);
      const wasStopped = this.stopped;
      this.stopped = true;
      this.track.stop();
      const reason = failure ?? new EffectUnavailableError('The camera ended');
      this.first.reject(reason instanceof EffectUnavailableError ? reason : wrap(reason));
      if (!wasStopped) {
        if (failure) console.warn('Background effect stopped:', failure);
        // A stopped track fires no `ended` of its own: the caller learns of it this way.
        this.track.dispatchEvent(new Event('ended'));
      }
    }
  }
}

function wrap(err: Error): EffectUnavailableError {
  return new EffectUnavailableError(`The background effect failed: ${err.message}`, { cause: err });
}
