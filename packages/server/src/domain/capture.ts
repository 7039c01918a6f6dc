/** What a capture is for (REC-START, STREAM-LIVE). */
type CapturePurpose = 'recording' | 'stream';

export interface CaptureRequest {
  meetingId: string;
  organisationId: string;
  purpose: CapturePurpose;
  startedBy: { userId: string; displayName: string };
  /** The media region the meeting runs in: its recording is stored there (REC-STORE). */
  region?: string;
}

export interface RunningCapture {
  /** Resolves once the output is final. */
  stop(): Promise<void>;
}

/**
 * Records or streams a meeting (REC-START, STREAM-LIVE): the room asks, the capture (a recorder the
 * server launches) does it. `onFailed` is told when a running capture ends by itself.
 */
export interface MeetingCapture {
  start(request: CaptureRequest, onFailed: (error: Error) => void): Promise<RunningCapture>;
}
