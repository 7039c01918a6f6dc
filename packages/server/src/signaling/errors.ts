import type { ErrorCode } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { isJanusError } from '../media/janus-client';
import { MediaUnavailableError } from '../media/media-plane';
import { InvalidStateError } from '../media/videoroom';
import { RoomClosedError } from '../rooms';

export interface ErrorFrameBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

/** What the client sees for a failure, and whether it is ours to log as unexpected. */
export function toErrorFrame(err: unknown): { body: ErrorFrameBody; unexpected: boolean } {
  if (err instanceof AppError) {
    return {
      body: { code: err.code, message: err.message, ...(err.field && { field: err.field }) },
      unexpected: false,
    };
  }
  if (err instanceof RoomClosedError) {
    return { body: { code: 'not_joined', message: 'You are no longer in this meeting' }, unexpected: false };
  }
  if (err instanceof MediaUnavailableError) {
    return {
      body: { code: 'media_unavailable', message: 'The media server is not available right now' },
      unexpected: false,
    };
  }
  if (err instanceof InvalidStateError) {
    return { body: { code: 'invalid_state', message: err.message }, unexpected: false };
  }
  if (isJanusError(err)) {
    if (err.kind === 'closed' || err.kind === 'timeout') {
      return {
        body: { code: 'media_unavailable', message: 'The media server did not answer' },
        unexpected: false,
      };
    }
    return {
      body: { code: 'media_error', message: `The media server refused this: ${err.message}` },
      unexpected: false,
    };
  }
  return { body: { code: 'internal', message: 'Something went wrong on the server' }, unexpected: true };
}
