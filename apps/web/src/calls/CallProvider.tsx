import type { Notification } from '@conclave/protocol';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useNavigate } from 'react-router';
import { acceptCall, cancelCall, declineCall, getCall, placeCall } from '../api/endpoints';
import { useNotifications } from '../app/NotificationsProvider';
import { useApiErrorText } from '../app/session';
import {
  accepting,
  answered,
  checked,
  hungUp,
  NO_CALLS,
  notified,
  placed,
  placeFailed,
  placing,
  rang,
  ringingNow,
  watched,
  type CallState,
  type IncomingCall,
  type RungPerson,
} from './callState';
import { IncomingCallDialog } from './IncomingCallDialog';
import { OutgoingCallDialog } from './OutgoingCallDialog';
import { startRinging } from './ringer';

interface Calls {
  /** Calls a person; the outgoing-call dialog shows how it goes, and an answer leads to the meeting. */
  call(person: { id: string; name: string }): void;
  /** Rings a person into the running meeting `meetingId` (MEET-ADD); resolves once it rings. */
  /** MEET-ADD: rings a person, or a room system (`kind: 'room'`), into this running meeting. */
  ringInto(callee: { id: string; name: string; kind: 'user' | 'room' }, meetingId: string): Promise<void>;
  /** This client's MEET-ADD calls, newest first. */
  rung: RungPerson[];
  /** Goes up whenever the person missed a call, so lists of missed calls know to load again. */
  missedVersion: number;
}

const CallsContext = createContext<Calls | null>(null);

/** Calls, for a signed-in person; null for a guest (who can neither call nor be called). */
export function useCalls(): Calls | null {
  return useContext(CallsContext);
}

/** How often a call shown as ringing is checked with the server. */
const CHECK_EVERY_MS = 5_000;

/** Where an accepted call leads: its meeting, joined at once (see LobbyWithPreview's autoJoin). */
const joinState = { autoJoin: true } as const;

/**
 * Calls for the signed-in person `userId` (none for null). The pages under it stay mounted when that
 * changes (signed out from a meeting page, the page must go on saying so): only `CallSession` is made
 * anew for each person.
 */
export function CallProvider({ userId, children }: { userId: string | null; children: ReactNode }) {
  const [calls, setCalls] = useState<Calls | null>(null);
  return (
    <CallsContext.Provider value={userId === null ? null : calls}>
      {children}
      {userId !== null && <CallSession key={userId} onCalls={setCalls} />}
    </CallsContext.Provider>
  );
}

/**
 * One signed-in person's calls (MEET-CALL, MEET-ADD): listens to the notification socket, rings
 * (sound and an alert dialog) for each incoming call until it is answered here or elsewhere,
 * cancelled or missed, and shows this client's outgoing call. The rules are in callState.ts.
 */
function CallSession({ onCalls }: { onCalls: (calls: Calls | null) => void }) {
  const navigate = useNavigate();
  const errorText = useApiErrorText();
  const [state, setState] = useState<CallState>(NO_CALLS);
  // Handlers made once read the latest state here, and decide from it what to do besides.
  const current = useRef(state);
  const update = useCallback((next: CallState) => {
    current.current = next;
    setState(next);
  }, []);
  const join = useCallback(
    (meetingId: string) => void navigate(`/m/${meetingId}`, { state: joinState }),
    [navigate],
  );

  const onNotification = useCallback(
    (n: Notification) => {
      const result = notified(current.current, n);
      update(result.state);
      if (result.join) join(result.join);
    },
    [update, join],
  );
  useNotifications(onNotification);

  // A notification lost with its socket must not leave a call ringing here for ever.
  const watchedIds = watched(state).join(' ');
  useEffect(() => {
    if (!watchedIds) return;
    const timer = setInterval(() => {
      for (const id of watchedIds.split(' ')) {
        getCall(id).then(
          (view) => {
            const result = checked(current.current, view);
            update(result.state);
            if (result.join) join(result.join);
          },
          () => undefined,
        );
      }
    }, CHECK_EVERY_MS);
    return () => clearInterval(timer);
  }, [watchedIds, update, join]);

  const shown = ringingNow(state);
  const ringing = shown !== null;
  useEffect(() => (ringing ? startRinging() : undefined), [ringing]);

  const call = useCallback(
    (person: { id: string; name: string }) => {
      update(placing(current.current, person));
      placeCall({ calleeId: person.id }).then(
        (view) => {
          const result = placed(current.current, person.id, view.id);
          update(result.state);
          // Hung up before the server answered: the call it made is cancelled at once.
          if (!result.wanted) void cancelCall(view.id).catch(() => undefined);
        },
        (err: unknown) => update(placeFailed(current.current, errorText(err))),
      );
    },
    [update, errorText],
  );

  const ringInto = useCallback(
    async (callee: { id: string; name: string; kind: 'user' | 'room' }, meetingId: string) => {
      const view = await placeCall(
        callee.kind === 'room' ? { roomSystemId: callee.id, meetingId } : { calleeId: callee.id, meetingId },
      );
      update(rang(current.current, view.id, callee.name));
    },
    [update],
  );

  const accept = (c: IncomingCall) => {
    update(accepting(current.current, c.id));
    acceptCall(c.id).then(
      () => {
        update(answered(current.current, c.id));
        join(c.meeting.id);
      },
      // Answered elsewhere, cancelled or missed meanwhile: it simply stops ringing.
      () => update(answered(current.current, c.id)),
    );
  };
  const decline = (c: IncomingCall) => {
    update(answered(current.current, c.id));
    void declineCall(c.id).catch(() => undefined);
  };
  const hangUp = () => {
    const callId = current.current.outgoing?.callId;
    update(hungUp(current.current));
    if (callId) void cancelCall(callId).catch(() => undefined);
  };

  const { rung, missedVersion, outgoing } = state;
  const value = useMemo(
    () => ({ call, ringInto, rung, missedVersion }),
    [call, ringInto, rung, missedVersion],
  );
  useEffect(() => {
    onCalls(value);
    return () => onCalls(null);
  }, [value, onCalls]);
  return (
    <>
      {shown && (
        <IncomingCallDialog call={shown} onAccept={() => accept(shown)} onDecline={() => decline(shown)} />
      )}
      {outgoing && (
        <OutgoingCallDialog
          call={outgoing}
          onCancel={hangUp}
          onClose={() => update(hungUp(current.current))}
        />
      )}
    </>
  );
}
