import type { ConclaveError, DisconnectReason } from '@conclave/client';
import { Link } from 'react-router';
import { Button } from '../ui/components';
import { MessagePage } from '../ui/MessagePage';

/** The link leads to no meeting. */
export function MeetingMissingPage() {
  return (
    <MessagePage
      title="This meeting does not exist"
      message="The link may be mistyped, or the meeting was deleted by its owner."
      action={
        <Link to="/" className="btn btn-primary btn-md">
          Go to home screen
        </Link>
      }
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
 * Rejoining is offered; the way home only to signed-in users, who have one.
 */
export function MeetingOverPage({
  meetingName,
  ended,
  signedIn,
  onRejoin,
}: {
  meetingName: string;
  ended?: { reason: DisconnectReason; error?: ConclaveError | undefined } | undefined;
  signedIn: boolean;
  onRejoin: () => void;
}) {
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

function endedText(reason: DisconnectReason, error?: ConclaveError): { title: string; message: string } {
  switch (reason) {
    case 'removed':
      return { title: 'You were removed from the meeting', message: 'A moderator removed you.' };
    case 'replaced':
      return {
        title: 'You joined from somewhere else',
        message: 'This meeting is now open in another tab or on another device.',
      };
    case 'server_shutdown':
      return { title: 'The meeting server restarted', message: 'Rejoin to continue the meeting.' };
    case 'media_failure':
      return {
        title: 'The media server failed',
        message: 'Your audio and video were interrupted. Rejoin to continue.',
      };
    default:
      return {
        title: 'Your connection was lost',
        message: error?.message ?? 'Check your network, then rejoin.',
      };
  }
}
