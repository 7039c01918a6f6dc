import { ConclaveError } from '../errors';
import type { FromWatermarkWorker, ToWatermarkWorker } from './watermark.worker';

/** A camera track with the sender's Codeword drawn into every frame (E2EE-WATERMARK). */
export interface Watermark {
  /** The stamped video: same size, frame rate and timestamps as the camera. Publish this one. */
  readonly track: MediaStreamTrack;
  /** Draws another text from the next frame on. */
  setText(text: string): void;
  /** Ends `track` and frees the worker; the camera itself keeps running (it is the caller's). */
  stop(): void;
}

/** The breakout box (mediacapture-transform), which TypeScript's DOM library does not declare yet. */
export interface BreakoutBox {
  MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => {
    readonly readable: ReadableStream<VideoFrame>;
  };
  MediaStreamTrackGenerator: new (init: { kind: 'video' }) => MediaStreamTrack & {
    readonly writable: WritableStream<VideoFrame>;
  };
}

/** Whether this browser can draw the Codeword into camera video (E2EE needs it). */
export function canWatermark(): boolean {
  const scope = globalThis as Partial<BreakoutBox>;
  return (
    !!scope.MediaStreamTrackProcessor && !!scope.MediaStreamTrackGenerator && typeof Worker !== 'undefined'
  );
}

function breakoutBox(): BreakoutBox {
  const scope = globalThis as Partial<BreakoutBox>;
  const { MediaStreamTrackProcessor, MediaStreamTrackGenerator } = scope;
  if (!MediaStreamTrackProcessor || !MediaStreamTrackGenerator || typeof Worker === 'undefined') {
    throw new ConclaveError(
      'not_supported',
      'This browser cannot draw the Codeword into the camera picture (it lacks MediaStreamTrackProcessor)',
    );
  }
  return { MediaStreamTrackProcessor, MediaStreamTrackGenerator };
}

/**
 * Returns a track that is `camera` with `text` drawn in a band along the bottom of every frame. The
 * drawing happens in a worker (watermark.worker.ts). The output ends when the camera ends (it is
 * stopped or unplugged), when `stop()` is called, or if a frame cannot be stamped — never does it go
 * on showing the camera without the text.
 */
export function watermarkTrack(camera: MediaStreamTrack, text: string): Watermark {
  if (camera.kind !== 'video') throw new TypeError(`watermarkTrack needs a video track, got ${camera.kind}`);
  const { MediaStreamTrackProcessor, MediaStreamTrackGenerator } = breakoutBox();
  // First, so that a page whose policy refuses workers throws before anything holds the camera.
  const worker = new Worker(new URL('./watermark.worker.ts', import.meta.url), {
    type: 'module',
    name: 'conclave-watermark',
  });
  const processor = new MediaStreamTrackProcessor({ track: camera });
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  // The encoder trades resolution against frame rate by this hint; keep the camera's choice.
  generator.contentHint = camera.contentHint;
  const send = (message: ToWatermarkWorker, transfer: Transferable[] = []): void =>
    worker.postMessage(message, transfer);

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    camera.removeEventListener('ended', stop);
    generator.stop();
    // The worker cancels the camera's processor, answers `ended` and closes itself.
    send({ type: 'stop' });
  };
  worker.addEventListener('message', (event: MessageEvent<FromWatermarkWorker>) => {
    if (event.data.type !== 'ended') return;
    stop();
    worker.terminate();
  });
  // The worker script failed to load or threw: no stamped frames will come, so end the output.
  worker.addEventListener('error', () => {
    stop();
    worker.terminate();
  });
  camera.addEventListener('ended', stop);

  const { readable } = processor;
  const { writable } = generator;
  send({ type: 'start', readable, writable, text }, [readable, writable]);
  return {
    track: generator,
    setText: (next) => {
      if (!stopped) send({ type: 'text', text: next });
    },
    stop,
  };
}
