import type { CaptureNotice } from '@conclave/protocol';
import type { MeetingRecord } from './meeting';

/**
 * The capture of a meeting's picture and sound (docs/recording.md, "Capture"): a port the meeting's
 * room calls when someone starts a recording or live stream, implemented apart (an egress browser
 * feeding ffmpeg). The room decides who may start and stop, and tells everyone (REC-NOTICE); the
 * capture only produces the output.
 */
export type CapturePurpose = 'recording' | 'stream';

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

export interface MeetingCapture {
  /**
   * Resolves once the capture runs; `onFailed` is called (at most once) if it stops by itself
   * afterwards, and the room then tells everyone it ended.
   */
  start(request: CaptureRequest, onFailed: (error: Error) => void): Promise<RunningCapture>;
}

/**
 * What the organisation and the meeting allow (REC-TOGGLE, REC-START, STREAM-TOGGLE), as they are when
 * asked: read at every start, so a setting turned off takes effect at the next one.
 */
export interface CaptureRules {
  recordingEnabled: boolean;
  streamingEnabled: boolean;
  /** The owner lets the meeting's moderators start and stop recordings. */
  recordingByModerators: boolean;
  /** A Superuser or Administrator enabled live streaming for this meeting. */
  meetingStreaming: boolean;
}

/** Who started or stopped a capture: a person of the organisation, or nobody (it failed, the meeting ended). */
export interface CaptureActor {
  userId: string;
  displayName: string;
}

/** Why a capture ended, as the audit log says it. */
export type CaptureStop = 'stopped' | 'failed' | 'meetingEnded';

/**
 * Tells the audit log (ADM-AUDIT) each recording and live stream started and ended; implemented over
 * audit/. Writing is its business: a failure to write is never the room's.
 */
export interface CaptureAudit {
  started(meeting: MeetingRecord, purpose: CapturePurpose, by: CaptureActor): void;
  ended(meeting: MeetingRecord, purpose: CapturePurpose, by: CaptureActor | null, why: CaptureStop): void;
}

/** Reads the rules of one meeting; implemented over settings/ and meetings/. */
export interface CapturePolicy {
  rulesOf(meeting: MeetingRecord): Promise<CaptureRules>;
}

/** Whether a meeting is being recorded or streamed now, and by whom (REC-NOTICE). */
export interface CaptureNotices {
  recording: CaptureNotice | null;
  streaming: CaptureNotice | null;
}

export const NO_CAPTURE: CaptureNotices = { recording: null, streaming: null };
