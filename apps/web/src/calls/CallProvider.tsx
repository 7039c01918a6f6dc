import type { CallEndReason, Notification } from '@conclave/protocol';
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
import { acceptCall, cancelCall, declineCall, placeCall } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { IncomingCallDialog, type IncomingCall } from './IncomingCallDialog';
import { OutgoingCallDialog, type OutgoingCall } from './OutgoingCallDialog';
import { openNotifications } from './notifications';
import { startRinging } from './ringer';

/** Someone rung into a running meeting by this client (MEET-ADD), and how it went. */
export interface RungPerson {
  callId: string;
  name: string;
  status: 'ringing' | 'accepted' | CallEndReason;
}

interface Calls {
  /** Calls a person; the outgoing-call dialog shows how it goes, and an answer leads to the meeting. */
  call(person: { id: string; name: string }): void;
  /** Rings a person into the running meeting `meetingId` (MEET-ADD); resolves once it rings. */
  ringInto(person: { id: string; name: string }, meetingId: string): Promise<void>;
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

/** Where an accepted call leads: its meeting, joined at once. */
const joinState = { autoJoin: true } as const;

/**
 * Calls for a signed-in person (MEET-CALL, MEET-ADD): keeps the notification socket open, rings
 * (sound and an alert dialog) for each incoming call until it is answered here or elsewhere,
 * cancelled or missed, and shows this client's outgoing call.
 */
export function CallProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const errorText = useApiErrorText();
  const [incoming, setIncoming] = useState<IncomingCall[]>([]);
  const [outgoing, setOutgoing] = useState<OutgoingCall | null>(null);
  const [rung, setRung] = useState<RungPerson[]>([]);
  const [missedVersion, setMissedVersion] = useState(0);
  // Read by the socket's handler, which is made once.
  const outgoingRef = useRef(outgoing);
  outgoingRef.current = outgoing;

  const onNotification = useCallback(
    (n: Notification) => {
      switch (n.type) {
        case 'incomingCall':
          setIncoming((list) =>
            list.some((c) => c.id === n.call.id) ? list : [...list, { ...n.call, accepting: false }],
          );
          return;
        case 'callAccepted': {
          setRung((list) => list.map((r) => (r.callId === n.callId ? { ...r, status: 'accepted' } : r)));
          if (outgoingRef.current?.callId !== n.callId) return;
          setOutgoing(null);
          void navigate(`/m/${n.meetingId}`, { state: joinState });
          return;
        }
        case 'callEnded':
          setIncoming((list) => list.filter((c) => c.id !== n.callId || c.accepting));
          setRung((list) => list.map((r) => (r.callId === n.callId ? { ...r, status: n.reason } : r)));
          if (n.reason === 'missed' || n.reason === 'cancelled') setMissedVersion((v) => v + 1);
          setOutgoing((o) =>
            o?.callId === n.callId && n.reason !== 'answered_elsewhere' ? { ...o, status: n.reason } : o,
          );
      }
    },
    [navigate],
  );

  useEffect(() => openNotifications(onNotification), [onNotification]);

  const ringing = incoming.some((c) => !c.accepting);
  useEffect(() => (ringing ? startRinging() : undefined), [ringing]);

  const call = useCallback(
    (person: { id: string; name: string }) => {
      setOutgoing({ callId: null, callee: person, status: 'placing', error: null });
      placeCall({ calleeId: person.id }).then(
        (view) => {
          // Hung up before the server answered: the call it made is cancelled at once.
          if (outgoingRef.current?.callee.id !== person.id) void cancelCall(view.id).catch(() => undefined);
          setOutgoing((o) => (o && o.callId === null ? { ...o, callId: view.id, status: 'ringing' } : o));
        },
        (err: unknown) => setOutgoing((o) => o && { ...o, status: 'failed', error: errorText(err) }),
      );
    },
    [errorText],
  );

  const ringInto = useCallback(async (person: { id: string; name: string }, meetingId: string) => {
    const view = await placeCall({ calleeId: person.id, meetingId });
    setRung((list) =>
      [{ callId: view.id, name: person.name, status: 'ringing' as const }, ...list].slice(0, 10),
    );
  }, []);

  const accept = (c: IncomingCall) => {
    setIncoming((list) => list.map((x) => (x.id === c.id ? { ...x, accepting: true } : x)));
    acceptCall(c.id).then(
      () => {
        setIncoming((list) => list.filter((x) => x.id !== c.id));
        void navigate(`/m/${c.meeting.id}`, { state: joinState });
      },
      // Answered elsewhere, cancelled or missed meanwhile: it simply stops ringing.
      () => setIncoming((list) => list.filter((x) => x.id !== c.id)),
    );
  };
  const decline = (c: IncomingCall) => {
    setIncoming((list) => list.filter((x) => x.id !== c.id));
    void declineCall(c.id).catch(() => undefined);
  };
  const hangUp = () => {
    const o = outgoingRef.current;
    setOutgoing(null);
    if (o?.callId) void cancelCall(o.callId).catch(() => undefined);
  };

  const value = useMemo(
    () => ({ call, ringInto, rung, missedVersion }),
    [call, ringInto, rung, missedVersion],
  );
  const shown = incoming.find((c) => !c.accepting) ?? null;
  return (
    <CallsContext.Provider value={value}>
      {children}
      {shown && (
        <IncomingCallDialog call={shown} onAccept={() => accept(shown)} onDecline={() => decline(shown)} />
      )}
      {outgoing && <OutgoingCallDialog call={outgoing} onCancel={hangUp} onClose={() => setOutgoing(null)} />}
    </CallsContext.Provider>
  );
}
