/**
 * Tells whether an effect keeps up with its camera. Each second it compares the pictures sent with
 * the camera's frame rate and how much of that second the effect kept the page busy; a second in which
 * fewer than half the camera's pictures went out *because the effect was busy* (over 80 % of the time)
 * is a slow second, and a few in a row mean this device cannot run it. A camera that itself delivers
 * fewer pictures (a dark room) leaves the effect idle, so it does not count.
 */
export class PaceWatch {
  private windowStart: number;
  private frames = 0;
  private busyMs = 0;
  private slowSeconds = 0;

  constructor(
    /** The camera's frame rate (from its settings), or 30 when it does not say. */
    private readonly cameraFps: number,
    now: number,
    private readonly patience = 3,
  ) {
    this.windowStart = now;
  }

  /** Time the effect kept the page busy (drawing a picture, running the model). */
  busy(ms: number): void {
    this.busyMs += ms;
  }

  /** A picture went out at `now`; true once the effect has been too slow for `patience` seconds in a row. */
  sent(now: number): boolean {
    this.frames++;
    return this.tick(now);
  }

  /** Checks the time without a picture (none came for a while); true as `sent`. */
  tick(now: number): boolean {
    const elapsed = now - this.windowStart;
    if (elapsed < 1000) return false;
    const fps = (this.frames * 1000) / elapsed;
    const slow = fps < this.cameraFps / 2 && this.busyMs > elapsed * 0.8;
    this.slowSeconds = slow ? this.slowSeconds + 1 : 0;
    this.windowStart = now;
    this.frames = 0;
    this.busyMs = 0;
    return this.slowSeconds >= this.patience;
  }
}
