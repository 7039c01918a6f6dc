import { watermarkTrack, type Watermark } from './watermark';

/**
 * Under E2EE the camera is sent at up to 1280×720 rather than 1920×1080 (MEET-QUALITY): every frame
 * is also stamped with the Codeword and every simulcast layer encrypted, and at 1080p a layer switch
 * (a receiver's tiles relaid out) froze pictures for 0.4–0.8 s on a loaded 2-core machine (E2EE-ROTATE;
 * measurements in docs/e2ee.md).
 */
const E2EE_CAMERA: MediaTrackConstraints = {
  width: { ideal: 1280, max: 1280 },
  height: { ideal: 720, max: 720 },
  frameRate: { ideal: 30, max: 30 },
};

/**
 * Under E2EE the camera goes out with the sender's Codeword drawn in (E2EE-WATERMARK). This keeps
 * one watermark for the camera track being sent, made anew when the camera track changes (another
 * device, turned off and on) and stopped when nothing is sent.
 */
export class StampedCamera {
  private current: { camera: MediaStreamTrack; mark: Watermark } | null = null;

  constructor(private readonly text: string) {}

  /** The track to send in place of `camera`. */
  outgoing(camera: MediaStreamTrack | null): MediaStreamTrack | null {
    if (!camera) {
      this.stop();
      return null;
    }
    const current = this.current;
    if (current?.camera === camera && current.mark.track.readyState === 'live') return current.mark.track;
    this.stop();
    // The stamp follows the frames' size, whatever it becomes; a camera that cannot scale sends as is.
    camera.applyConstraints(E2EE_CAMERA).catch(() => undefined);
    const mark = watermarkTrack(camera, this.text);
    this.current = { camera, mark };
    return mark.track;
  }

  stop(): void {
    this.current?.mark.stop();
    this.current = null;
  }
}
