import type { CallEndReason, CallView, Notification } from '@conclave/protocol';

/** A call ringing this person. */
export type IncomingCall = Extract<Notification, { type: 'incomingCall' }>['call'] & {
  /** Accepted here, waiting for the server's answer: no longer ringing. */
  accepting: boolean;
};

/** The direct call this client placed. */
export interface OutgoingCall {
  /** Null until the server placed it. */
  callId: string | null;
  callee: { id: string; name: string };
  status: 'placing' | 'ringing' | 'failed' | CallEndReason;
  error: string | null;
}

/** Someone this client rang into a running meeting (MEET-ADD), and how it went. */
export interface RungPerson {
  callId: string;
  name: string;
  status: 'ringing' | 'accepted' | CallEndReason;
}

export interface CallState {
  incoming: IncomingCall[];
  outgoing: OutgoingCall | null;
  rung: RungPerson[];
  /** Goes up whenever the person missed a call, so lists of missed calls know to load again. */
  missedVersion: number;
}

export const NO_CALLS: CallState = { incoming: [], outgoing: null, rung: [], missedVersion: 0 };

/** MEET-ADD calls remembered for the panel. */
const RUNG_SHOWN = 10;

/**
 * What a notification does to this client's calls, and the meeting to join when it says the callee
 * took this client's call (MEET-CALL). A call accepted here keeps its place until the server
 * answered the accept, whatever `answered_elsewhere` says meanwhile.
 */
export function notified(state: CallState, n: Notification): { state: CallState; join: string | null } {
  switch (n.type) {
    case 'incomingCall':
      if (state.incoming.some((c) => c.id === n.call.id)) return { state, join: null };
      return {
        state: { ...state, incoming: [...state.incoming, { ...n.call, accepting: false }] },
        join: null,
      };
    case 'callAccepted': {
      const rung = state.rung.map((r) => (r.callId === n.callId ? { ...r, status: 'accepted' as const } : r));
      const ours = state.outgoing?.callId === n.callId;
      return {
        state: { ...state, rung, outgoing: ours ? null : state.outgoing },
        join: ours ? n.meetingId : null,
      };
    }
    case 'callEnded': {
      const missed = n.reason === 'missed' || n.reason === 'cancelled';
      const o = state.outgoing;
      return {
        state: {
          incoming: state.incoming.filter((c) => c.id !== n.callId || c.accepting),
          rung: state.rung.map((r) => (r.callId === n.callId ? { ...r, status: n.reason } : r)),
          outgoing:
            o?.callId === n.callId && n.reason !== 'answered_elsewhere' ? { ...o, status: n.reason } : o,
          missedVersion: state.missedVersion + (missed ? 1 : 0),
        },
        join: null,
      };
    }
    // Chat (CHAT-DIRECT) comes on the same socket; it is not about calls.
    case 'chatMessage':
    case 'chatConversation':
    case 'chatRead':
      return { state, join: null };
  }
}

/** Placing a call: the outgoing dialog opens at once. */
export const placing = (state: CallState, callee: { id: string; name: string }): CallState => ({
  ...state,
  outgoing: { callId: null, callee, status: 'placing', error: null },
});

/** The server placed it; false when this client hung up meanwhile (the call is then to be cancelled). */
export function placed(
  state: CallState,
  calleeId: string,
  callId: string,
): { state: CallState; wanted: boolean } {
  const o = state.outgoing;
  if (o?.callee.id !== calleeId || o.callId !== null) return { state, wanted: false };
  return { state: { ...state, outgoing: { ...o, callId, status: 'ringing' } }, wanted: true };
}

export const placeFailed = (state: CallState, error: string): CallState => ({
  ...state,
  outgoing: state.outgoing && { ...state.outgoing, status: 'failed', error },
});

export const rang = (state: CallState, callId: string, name: string): CallState => ({
  ...state,
  rung: [{ callId, name, status: 'ringing' as const }, ...state.rung].slice(0, RUNG_SHOWN),
});

export const accepting = (state: CallState, callId: string): CallState => ({
  ...state,
  incoming: state.incoming.map((c) => (c.id === callId ? { ...c, accepting: true } : c)),
});

/** The call stops showing here: answered (either way) or found over. */
export const answered = (state: CallState, callId: string): CallState => ({
  ...state,
  incoming: state.incoming.filter((c) => c.id !== callId),
});

export const hungUp = (state: CallState): CallState => ({ ...state, outgoing: null });

/** The call to show ringing, the oldest first; null when nothing rings. */
export const ringingNow = (state: CallState): IncomingCall | null =>
  state.incoming.find((c) => !c.accepting) ?? null;

/**
 * What the server said of a call this client shows (a notification may have been lost with its
 * socket): one no longer ringing ends here as a notification would have ended it.
 */
export function checked(state: CallState, call: CallView): { state: CallState; join: string | null } {
  if (call.state === 'ringing') return { state, join: null };
  if (call.state === 'accepted') {
    if (state.outgoing?.callId !== call.id || !call.meeting)
      return { state: answered(state, call.id), join: null };
    return notified(state, {
      type: 'callAccepted',
      callId: call.id,
      meetingId: call.meeting.id,
      callee: call.callee,
    });
  }
  return notified(state, {
    type: 'callEnded',
    callId: call.id,
    reason: call.state === 'declined' ? 'declined' : 'missed',
  });
}

/** The calls this client shows as ringing, whose state it checks now and then. */
export const watched = (state: CallState): string[] => [
  ...state.incoming.filter((c) => !c.accepting).map((c) => c.id),
  ...(state.outgoing?.status === 'ringing' && state.outgoing.callId ? [state.outgoing.callId] : []),
];
