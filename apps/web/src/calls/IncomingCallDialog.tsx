import { useId } from 'react';
import { Button } from '../ui/components';
import type { IncomingCall } from './callState';

/** An incoming call, ringing: an alert dialog that does not take the page away from the person. */
export function IncomingCallDialog({
  call,
  onAccept,
  onDecline,
  forRoom = false,
}: {
  call: IncomingCall;
  onAccept: () => void;
  onDecline: () => void;
  /** On a room system's screen (MEET-ADD): the room is asked, in the room screen's large type. */
  forRoom?: boolean;
}) {
  const id = useId();
  const title =
    call.kind === 'add'
      ? `${call.caller.name} asks ${forRoom ? 'this room' : 'you'} to join ${call.meeting.name}`
      : `${call.caller.name} is calling`;
  return (
    <div
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      className={forRoom ? 'call-popup room-ring' : 'call-popup'}
      data-testid="incoming-call"
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-text`} className="muted-dark">
        {call.kind === 'add' ? 'Accept to join the meeting now.' : 'Accept to meet them now.'}
      </p>
      <div className="dialog-actions">
        <Button variant="danger" onClick={onDecline}>
          Decline
        </Button>
        <Button variant="primary" onClick={onAccept}>
          Accept
        </Button>
      </div>
    </div>
  );
}
