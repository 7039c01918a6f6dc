import { useId } from 'react';
import { Button, Spinner } from '../ui/components';
import type { OutgoingCall } from './callState';

/** This client's call while it rings, and how it ended when nobody took it. */
export function OutgoingCallDialog({
  call,
  onCancel,
  onClose,
}: {
  call: OutgoingCall;
  onCancel: () => void;
  onClose: () => void;
}) {
  const id = useId();
  const name = call.callee.name;
  const ringing = call.status === 'placing' || call.status === 'ringing';
  const outcome: Record<Exclude<OutgoingCall['status'], 'placing' | 'ringing'>, string> = {
    declined: `${name} declined the call`,
    missed: `No answer from ${name}`,
    cancelled: 'Call cancelled',
    answered_elsewhere: `${name} answered`,
    failed: call.error ?? 'The call could not be placed',
  };
  return (
    <div role="dialog" aria-labelledby={`${id}-title`} className="call-popup" data-testid="outgoing-call">
      <h2 id={`${id}-title`}>{ringing ? `Calling ${name}…` : `Call to ${name}`}</h2>
      {ringing ? (
        <Spinner size={20} label={`Ringing ${name}`} />
      ) : (
        <p role="status" className="muted-dark">
          {outcome[call.status as keyof typeof outcome]}
        </p>
      )}
      <div className="dialog-actions">
        {ringing ? (
          <Button variant="danger" onClick={onCancel}>
            Cancel call
          </Button>
        ) : (
          <Button variant="ghost-dark" onClick={onClose}>
            Close
          </Button>
        )}
      </div>
    </div>
  );
}
