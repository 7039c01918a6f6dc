/**
 * Gives each participant a camera that looks different from the others'.
 *
 * All contexts of one Chromium share one fake capture device, so every participant would send the
 * very same picture (a pie that turns once every ~1.4 s): a snapshot of participant B's video
 * then correlates as well with A's camera as with B's, and the "receiver shows the sender's
 * picture" check could not tell streams apart. This init script wraps `getUserMedia` so the video
 * track it returns is the fake camera's frames with a static per-participant code painted on
 * them: the frame is a 4×2 grid and the cells where the participant's code has a 1 are black. The
 * codes are rows of an 8×8 Hadamard matrix, so two participants' pictures differ in half of
 * their cells and correlate near 0, while the same participant's picture correlates near 1 even
 * when sender and receiver snapshots are a few frames apart. The product sees an ordinary
 * MediaStreamTrack from getUserMedia (a MediaStreamTrackGenerator fed by the real fake camera).
 */

/** Seven balanced codes with pairwise Hamming distance 4 (Hadamard rows without the all-ones row). */
export const CAMERA_CODES = [
  [1, 0, 1, 0, 1, 0, 1, 0],
  [1, 1, 0, 0, 1, 1, 0, 0],
  [1, 0, 0, 1, 1, 0, 0, 1],
  [1, 1, 1, 1, 0, 0, 0, 0],
  [1, 0, 1, 0, 0, 1, 0, 1],
  [1, 1, 0, 0, 0, 0, 1, 1],
  [1, 0, 0, 1, 0, 1, 1, 0],
] as const;

/** Runs in the page before any of its scripts (context.addInitScript). */
export function installMarkedCamera(code: readonly number[]): void {
  const md = navigator.mediaDevices;
  // Undefined outside secure contexts, whatever the DOM types say.
  if (md === undefined || typeof MediaStreamTrackProcessor === 'undefined') return;
  const original = md.getUserMedia.bind(md);
  md.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    const stream = await original(constraints);
    const source = stream.getVideoTracks()[0];
    if (!source) return stream;
    const settings = source.getSettings();
    const canvas = new OffscreenCanvas(settings.width ?? 640, settings.height ?? 360);
    const ctx = canvas.getContext('2d');
    if (!ctx) return stream;
    const processor = new MediaStreamTrackProcessor({ track: source });
    const generator = new MediaStreamTrackGenerator({ kind: 'video' });
    void processor.readable
      .pipeThrough(
        new TransformStream<VideoFrame, VideoFrame>({
          transform(frame, out) {
            // Frames keep the camera's size, also after applyConstraints changes it.
            if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
              canvas.width = frame.displayWidth;
              canvas.height = frame.displayHeight;
            }
            const { width, height } = canvas;
            const cw = width / 4;
            const ch = height / 2;
            ctx.drawImage(frame, 0, 0, width, height);
            ctx.fillStyle = '#000';
            for (let i = 0; i < 8; i++) {
              if (code[i]) ctx.fillRect((i % 4) * cw, Math.floor(i / 4) * ch, cw, ch);
            }
            const marked = new VideoFrame(canvas, { timestamp: frame.timestamp });
            frame.close();
            out.enqueue(marked);
          },
        }),
      )
      .pipeTo(generator.writable)
      .catch(() => undefined);
    // Behave like the camera track it replaces: same settings, and stopping it releases the camera.
    const stop = generator.stop.bind(generator);
    generator.stop = () => {
      stop();
      source.stop();
    };
    generator.getSettings = () => source.getSettings();
    generator.getCapabilities = () => source.getCapabilities();
    generator.getConstraints = () => source.getConstraints();
    generator.applyConstraints = (c?: MediaTrackConstraints) => source.applyConstraints(c);
    stream.removeTrack(source);
    stream.addTrack(generator);
    return stream;
  };
}

/** Stand-ins for the breakout-box types, which TypeScript's DOM library does not declare yet. */
declare global {
  class MediaStreamTrackProcessor {
    constructor(init: { track: MediaStreamTrack });
    readonly readable: ReadableStream<VideoFrame>;
  }
  class MediaStreamTrackGenerator extends MediaStreamTrack {
    constructor(init: { kind: 'video' | 'audio' });
    readonly writable: WritableStream<VideoFrame>;
  }
}
