import type { ConclaveError, DisconnectReason } from '@conclave/client';
import { Link } from 'react-router';
import { Button } from '../ui/components';
import { HomeLink, MessagePage } from '../ui/MessagePage';

/** The link leads to no meeting. */
export function MeetingMissingPage() {
  return (
    <MessagePage
      title="This meeting does not exist"
      message="The link may be mistyped, or the meeting was deleted by its owner."
      action={<HomeLink />}
    />
  );
}

/** A one-time meeting's link after the meeting (MEET-ONETIME). */
export function OneTimeMeetingEndedPage() {
  return (
    <MessagePage
      title="This meeting has ended"
      message="It was a one-time meeting: its link cannot be used again."
      action={<HomeLink />}
    />
  );
}

/** The meeting could not be loaded (server unreachable or failing). */
export function MeetingLoadFailedPage({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <MessagePage
      title="Cannot load this meeting"
      message={message}
      action={
        <Button variant="primary" onClick={onRetry}>
          Try again
        </Button>
      }
    />
  );
}

/**
 * After the meeting: the participant left (`ended` absent) or was disconnected for `ended.reason`.
 * Rejoining is offered unless the meeting or the session is gone; the way home only to signed-in
 * users, who have one.
 */
export function MeetingOverPage({
  meetingId,
  meetingName,
  ended,
  signedIn,
  onRejoin,
}: {
  meetingId: string;
  meetingName: string;
  ended?: { reason: DisconnectReason; error?: ConclaveError | undefined } | undefined;
  signedIn: boolean;
  onRejoin: () => void;
}) {
  if (ended?.reason === 'meeting_ended') {
    return (
      <MessagePage
        title="This meeting has ended"
        message="The meeting was deleted, so it cannot be rejoined."
        action={<HomeLink />}
      />
    );
  }
  if (ended?.reason === 'session_ended') {
    return (
      <MessagePage
        title="You were signed out"
        message="Your session ended, here or on another tab or device. Sign in again to rejoin the meeting."
        action={
          <Link
            to={`/sign-in?next=${encodeURIComponent(`/m/${meetingId}`)}`}
            className="btn btn-primary btn-md"
          >
            Sign in
          </Link>
        }
      />
    );
  }
  const { title, message } = ended
    ? endedText(ended.reason, ended.error)
    : { title: 'You left the meeting', message: meetingName };
  return (
    <MessagePage
      title={title}
      message={message}
      action={
        <>
          <Button variant="primary" onClick={onRejoin}>
            Rejoin
          </Button>
          {signedIn && (
            <Link to="/" className="btn btn-secondary btn-md">
              Return to home screen
            </Link>
          )}
        </>
      }
    />
  );
}

/**
 * What the page says for an ending that rejoining can undo. After a removal or a rejection, joining
 * again goes through the lobby once more (if the meeting has one): it is offered, never done by itself.
 */
function endedText(reason: DisconnectReason, error?: ConclaveError): { title: string; message: string } {
  switch (reason) {
    // The server's message names the moderator ("Bob removed you from the meeting").
    case 'removed':
      return {
        title: 'You were removed from the meeting',
        message: error?.message ?? 'A moderator removed you.',
      };
    case 'rejected':
      return {
        title: 'You were not let in',
        message: error?.message ?? 'A moderator did not let you into the meeting.',
      };
    case 'replaced':
      return {
        title: 'You joined from somewhere else',
        message: 'This meeting is now open in another tab or on another device.',
      };
    default:
      return {
        title: 'Your connection was lost',
        message: error?.message ?? 'Check your network, then rejoin.',
      };
  }
}
