import { z } from 'zod';

/**
 * The recorder's media socket (REC-START, STREAM-LIVE): the page the server launched for a recording
 * or live stream sends what it records here, in order, as binary frames after its `hello`. The
 * server says `ready`, and `stop` when the recording is to end; the page then sends what is left and
 * `end`. A socket that closes before `end` is a failed capture.
 */
export const EGRESS_PATH = '/api/egress/media';
export const EGRESS_SUBPROTOCOL = 'conclave.egress.v1';

/** What the recorder's MediaRecorder makes: H.264 (copied by the server, never re-encoded) and Opus. */
export const EGRESS_MIME_TYPE = 'video/webm;codecs=h264,opus';

/** The largest binary frame the recorder sends; a recorded chunk is cut into frames of at most this. */
export const EGRESS_FRAME_BYTES = 256 * 1024;

export const egressClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().min(16).max(128) }),
  z.object({ type: z.literal('end') }),
]);

export type EgressServerMessage = { type: 'ready' } | { type: 'stop' };
