/**
 * The watermark's worker: reads the camera's frames from a transferred MediaStreamTrackProcessor
 * stream, stamps the Codeword band on each (watermark-stamp.ts) and writes them to a transferred
 * MediaStreamTrackGenerator stream, so the per-frame drawing never waits on the page's main thread.
 * One worker per watermarked track; it closes itself when the camera ends or it is told to stop.
 */
import { FrameStamper } from './watermark-stamp';

export type ToWatermarkWorker =
  | {
      type: 'start';
      readable: ReadableStream<VideoFrame>;
      writable: WritableStream<VideoFrame>;
      text: string;
    }
  | { type: 'text'; text: string }
  | { type: 'stop' };

/** The worker stopped stamping (camera ended, stopped, or a frame could not be stamped). */
export interface FromWatermarkWorker {
  type: 'ended';
}

let stamper: FrameStamper | undefined;
let reader: ReadableStreamDefaultReader<VideoFrame> | undefined;
let stopping = false;

addEventListener('message', (event: MessageEvent<ToWatermarkWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      void run(message.readable, message.writable, message.text);
      break;
    case 'text':
      stamper?.setText(message.text);
      break;
    case 'stop':
      stopping = true;
      // Settles a pending read with `done`, so the loop below ends without waiting for a frame.
      reader?.cancel().catch(() => undefined);
      break;
  }
});

async function run(
  readable: ReadableStream<VideoFrame>,
  writable: WritableStream<VideoFrame>,
  text: string,
): Promise<void> {
  const source = readable.getReader();
  reader = source;
  const sink = writable.getWriter();
  try {
    stamper = new FrameStamper(text);
    while (!stopping) {
      const { done, value } = await source.read();
      if (done) break;
      if (stopping) {
        value.close();
        break;
      }
      const stamped = await stamper.stamp(value);
      try {
        // The generator takes the frame and closes it once sent.
        await sink.write(stamped);
      } catch {
        stamped.close();
        break;
      }
    }
  } catch (err) {
    // A frame that cannot be stamped ends the output: sending the camera bare would be dishonest.
    console.error('E2EE watermark stopped:', err);
  } finally {
    // Cancelling releases the camera's processor; aborting ends the generator's track.
    await source.cancel().catch(() => undefined);
    await sink.abort().catch(() => undefined);
    const ended: FromWatermarkWorker = { type: 'ended' };
    postMessage(ended);
    close();
  }
}
