import { watermarkTrack, type Watermark } from './watermark';

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
    const mark = watermarkTrack(camera, this.text);
    this.current = { camera, mark };
    return mark.track;
  }

  stop(): void {
    this.current?.mark.stop();
    this.current = null;
  }
}
