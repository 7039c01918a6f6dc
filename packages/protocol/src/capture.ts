import { z } from 'zod';

/**
 * Recording and live streaming, as meetings control them (REC-START, REC-NOTICE, STREAM-LIVE) over the
 * signaling socket. The capture itself runs on the server; what everyone sees is who started it and
 * when, for as long as it runs, later joiners and guests included. Never under E2EE (E2EE-LIMITS): the
 * server holds no key to what it would capture.
 */

/** Who started a recording or live stream (the name they had in the meeting), and when (ISO time). */
export interface CaptureNotice {
  by: string;
  since: string;
}

/**
 * Why a recording or stream ended without a start taking its place: someone stopped it, or the capture
 * failed on the server (everyone is told either way).
 */
export type CaptureEndReason = 'stopped' | 'failed';

/**
 * What a participant may start (sent after `joined` and after a resume): `yes`; `asModerator` only
 * while it is a moderator (the owner lets moderators record); `no` (the organisation has it off, the
 * meeting is end-to-end encrypted, the meeting is not streamed, this server captures nothing, or the
 * participant is not allowed). The server checks again at every request.
 */
export type CaptureRight = 'yes' | 'asModerator' | 'no';

const rid = z.string().min(1).max(64).optional();

/**
 * Starts (or stops) recording the meeting: its owner, or a moderator when the owner allows it. Refused
 * with `recording_disabled` (the organisation has it off), `e2ee_unavailable` (E2EE meeting),
 * `forbidden`, `recording_unavailable` (this server has no capture, or it could not start) or
 * `invalid_state` (one already runs, or none does).
 */
const startRecordingSchema = z.object({ type: z.literal('startRecording'), rid });
/** Only who started the recording, or the meeting's owner, stops it. */
const stopRecordingSchema = z.object({ type: z.literal('stopRecording'), rid });
/**
 * Starts (or stops) a live stream of the meeting: its owner only, when the organisation allows
 * streaming and a Superuser or Administrator enabled it for this meeting (else `streaming_disabled`);
 * otherwise refused as a recording is.
 */
const startStreamSchema = z.object({ type: z.literal('startStream'), rid });
const stopStreamSchema = z.object({ type: z.literal('stopStream'), rid });

export const captureClientMessageSchemas = [
  startRecordingSchema,
  stopRecordingSchema,
  startStreamSchema,
  stopStreamSchema,
] as const;

export type CaptureServerMessage =
  /** A recording started (`recording` says by whom and since when) or ended (null, and why). */
  | { type: 'recordingChanged'; recording: CaptureNotice | null; reason?: CaptureEndReason }
  /** A live stream started or ended, as `recordingChanged`. */
  | { type: 'streamChanged'; streaming: CaptureNotice | null; reason?: CaptureEndReason }
  /** What this participant may start (see CaptureRight). */
  | { type: 'captureRights'; recording: CaptureRight; streaming: CaptureRight };
