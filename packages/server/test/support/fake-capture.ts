import type { CapturePurpose, CaptureRequest, MeetingCapture, RunningCapture } from '../../src/domain';

interface Run {
  request: CaptureRequest;
  onFailed: (error: Error) => void;
  stopped: boolean;
}

/**
 * Stands in for the capture (an egress browser feeding ffmpeg, built apart) in control-plane tests:
 * it records what the room asked, lets a test hold a start, refuse one, or fail a running capture.
 */
export class FakeCapture implements MeetingCapture {
  readonly runs: Run[] = [];
  /** The next start throws (the capture could not come up). */
  refuseNext = false;
  /** Starts wait for this before resolving, when set. */
  gate: Promise<void> | null = null;

  async start(request: CaptureRequest, onFailed: (error: Error) => void): Promise<RunningCapture> {
    if (this.refuseNext) {
      this.refuseNext = false;
      throw new Error('the egress did not come up');
    }
    const run: Run = { request, onFailed, stopped: false };
    this.runs.push(run);
    if (this.gate) await this.gate;
    return {
      stop: async () => {
        run.stopped = true;
      },
    };
  }

  /** The captures of this meeting and purpose that were started, in order. */
  of(meetingId: string, purpose: CapturePurpose): Run[] {
    return this.runs.filter((r) => r.request.meetingId === meetingId && r.request.purpose === purpose);
  }

  /** The one running capture of this meeting and purpose, if any. */
  running(meetingId: string, purpose: CapturePurpose): Run | undefined {
    return this.of(meetingId, purpose).find((r) => !r.stopped);
  }
}
