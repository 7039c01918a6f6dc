/** Without anything received for this long a connection counts as stalled (consent answers come every 2.5 s at worst). */
const STALL_MS = 3_000;
const STALL_POLL_MS = 500;

/**
 * Tells when nothing has come over a peer connection for STALL_MS (its transport's bytesReceived stands
 * still), and when things come again: media, RTCP and the answers to ICE's consent checks all count.
 */
export class StallWatch {
  private timer: ReturnType<typeof setInterval> | null = null;
  private received = -1;
  private lastGrowth = 0;
  private stalled = false;

  constructor(
    private readonly pc: Pick<RTCPeerConnection, 'getStats'>,
    private readonly onChange: (stalled: boolean) => void,
  ) {
    this.timer = setInterval(() => void this.check(), STALL_POLL_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    let bytes = 0;
    try {
      const report = await this.pc.getStats();
      report.forEach((s: { type?: string; bytesReceived?: number }) => {
        if (s.type === 'transport') bytes += s.bytesReceived ?? 0;
      });
    } catch {
      return;
    }
    if (this.timer === null) return;
    const now = Date.now();
    if (bytes > this.received) {
      this.received = bytes;
      this.lastGrowth = now;
      this.set(false);
    } else if (now - this.lastGrowth >= STALL_MS) {
      this.set(true);
    }
  }

  private set(stalled: boolean): void {
    if (this.stalled === stalled) return;
    this.stalled = stalled;
    this.onChange(stalled);
  }
}
