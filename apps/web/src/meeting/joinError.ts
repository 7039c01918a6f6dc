import { ConclaveError } from '@conclave/client';
import { ApiError } from '../api/http';
import type { LobbyError } from './Lobby';
import { E2EE_UNSUPPORTED } from './LobbyE2ee';

/** What the lobby says when joining failed, in words a participant can act on. */
export function describeJoinError(err: unknown): LobbyError {
  if (err instanceof ApiError) {
    if (err.field === 'displayName' || err.code === 'validation_failed')
      return { message: err.message, field: 'displayName' };
    if (err.code === 'rate_limited') return { message: 'Too many attempts. Wait a minute, then try again.' };
    if (err.code === 'meeting_not_found') return { message: 'This meeting no longer exists.' };
    return { message: err.message };
  }
  if (err instanceof ConclaveError) {
    switch (err.code) {
      case 'validation_failed':
        return { message: err.message, field: 'displayName' };
      case 'rate_limited':
        return { message: 'Too many attempts. Wait a minute, then try again.' };
      case 'meeting_not_found':
        return { message: 'This meeting no longer exists.' };
      case 'meeting_full':
        // The server says how many it holds.
        return { message: `${err.message}. Try again when someone leaves.` };
      case 'meeting_ended':
        return { message: 'This one-time meeting has ended; its link cannot be used again.' };
      case 'passcode_required':
        return { message: 'This meeting needs a passcode. Enter it above.', field: 'passcode' };
      case 'passcode_wrong':
        return { message: 'That is not the passcode of this meeting.', field: 'passcode' };
      case 'unauthorized':
        return { message: 'Your invitation to this meeting has expired. Join again.' };
      case 'forbidden':
        return { message: 'You are not allowed to join this meeting.' };
      case 'e2ee_unsupported':
        return { message: E2EE_UNSUPPORTED };
      case 'e2ee_required':
        // The meeting was switched to E2EE after this page loaded it as a plain one.
        return { message: 'This meeting is now end-to-end encrypted. Reload the page to join it encrypted.' };
      case 'media_unavailable':
        return { message: 'The media server is not ready yet. Try again in a moment.' };
      case 'connection_failed':
      case 'connection_closed':
      case 'request_timeout':
        return { message: 'Could not connect to the meeting server. Check your connection and try again.' };
      default:
        return { message: err.message };
    }
  }
  return { message: err instanceof Error ? err.message : 'Could not join the meeting' };
}
