import type { ErrorCode } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { isJanusError } from '../media/janus-client';
import { MediaUnavailableError } from '../media/media-plane';
import { InvalidStateError } from '../media/subscriber';
import { RoomClosedError } from '../rooms';

export interface ErrorFrameBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

/**
 * What the client sees for a failure, and what we log about it. A client gets a stable code and a
 * message of ours, never the media server's own words (they describe our internals); the detail goes
 * to the log instead.
 */
export function toErrorFrame(err: unknown): { body: ErrorFrameBody; log: 'error' | 'warn' | null } {
  if (err instanceof AppError) {
    return {
      body: { code: err.code, message: err.message, ...(err.field && { field: err.field }) },
      log: null,
    };
  }
  if (err instanceof RoomClosedError) {
    return { body: { code: 'not_joined', message: 'You are no longer in this meeting' }, log: null };
  }
  if (err instanceof MediaUnavailableError) {
    return {
      body: { code: 'media_unavailable', message: 'The media server is not available right now' },
      log: null,
    };
  }
  if (err instanceof InvalidStateError) {
    return { body: { code: 'invalid_state', message: err.message }, log: null };
  }
  if (isJanusError(err)) {
    if (err.kind === 'closed' || err.kind === 'timeout') {
      return {
        body: { code: 'media_unavailable', message: 'The media server did not answer' },
        log: 'warn',
      };
    }
    return {
      body: { code: 'media_error', message: 'The media server could not accept this request' },
      log: 'warn',
    };
  }
  return { body: { code: 'internal', message: 'Something went wrong on the server' }, log: 'error' };
}
