import { ROOM_NOTIFICATIONS_PATH, type Notification } from '@conclave/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { acceptRoomCall, declineRoomCall } from '../api/endpoints';
import { accepting, answered, NO_CALLS, notified, ringingNow, type CallState } from '../calls/callState';
import { IncomingCallDialog } from '../calls/IncomingCallDialog';
import { openNotifications } from '../calls/notifications';
import { startRinging } from '../calls/ringer';

/** How often rings past their time are dropped (a notification of their end may have been lost). */
const EXPIRE_EVERY_MS = 2_000;

/**
 * MEET-ADD on a room system's screen: a moderator rang this room into a running meeting. The screen
 * listens on its own notification socket (its room cookie), rings aloud and asks the people in the
 * room; on Accept, `onAccepted` joins the meeting. The rules of ringing are the person's (callState.ts).
 */
export function RoomRinging({ onAccepted }: { onAccepted: (meeting: { id: string; name: string }) => void }) {
  const [state, setState] = useState<CallState>(NO_CALLS);
  const current = useRef(state);
  const update = useCallback((next: CallState) => {
    current.current = next;
    setState(next);
  }, []);

  useEffect(
    () =>
      openNotifications(
        (n: Notification) => update(notified(current.current, n).state),
        () => undefined,
        ROOM_NOTIFICATIONS_PATH,
      ),
    [update],
  );

  const shown = ringingNow(state);
  const ringing = shown !== null;
  useEffect(() => (ringing ? startRinging() : undefined), [ringing]);
  useEffect(() => {
    if (!ringing) return;
    const timer = setInterval(() => {
      for (const c of current.current.incoming) {
        if (Date.parse(c.expiresAt) <= Date.now()) update(answered(current.current, c.id));
      }
    }, EXPIRE_EVERY_MS);
    return () => clearInterval(timer);
  }, [ringing, update]);

  if (!shown) return null;
  const accept = () => {
    update(accepting(current.current, shown.id));
    acceptRoomCall(shown.id).then(
      () => {
        update(answered(current.current, shown.id));
        onAccepted(shown.meeting);
      },
      // Cancelled or missed meanwhile: it simply stops ringing.
      () => update(answered(current.current, shown.id)),
    );
  };
  const decline = () => {
    update(answered(current.current, shown.id));
    void declineRoomCall(shown.id).catch(() => undefined);
  };
  return <IncomingCallDialog call={shown} onAccept={accept} onDecline={decline} forRoom />;
}
