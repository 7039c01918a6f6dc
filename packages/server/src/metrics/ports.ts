import type { ClientMessageType, DisconnectedReason, ErrorCode } from '@conclave/protocol';
import type { Principal } from '../domain';

/** Why a signaling handshake was refused before it became a socket. */
export type HandshakeRefusal = 'not_websocket' | 'subprotocol' | 'origin' | 'too_many_sockets';

/**
 * The server's share of joining a meeting, each measured from the client's frame arriving:
 * `join_to_joined` (join → `joined` sent), `join_to_first_offer` (join → first `subscriptionOffer`,
 * when someone was already publishing) and `publish_to_answer` (publish → `publishAnswer` sent).
 */
export type JoinStep = 'join_to_joined' | 'join_to_first_offer' | 'publish_to_answer';

/** What the signaling layer reports. Every label value comes from a closed set. */
export interface SignalingMetrics {
  socketOpened(): void;
  socketClosed(): void;
  handshakeRefused(reason: HandshakeRefusal): void;
  /** A frame that passed the rate limit: its message type, or `invalid` when it did not parse. */
  messageReceived(type: ClientMessageType | 'invalid'): void;
  errorSent(code: ErrorCode): void;
  joinStep(step: JoinStep, seconds: number): void;
}

export interface ActiveRooms {
  meetings: number;
  participants: number;
  /** People in the meetings' lobbies, waiting for a moderator (MEET-LOBBY). */
  waiting: number;
  /** What is placed on each configured media server (NET-REGIONS), by its id and region. */
  servers: Array<{ server: string; region: string; meetings: number; participants: number }>;
}

/** What the rooms report: who comes and goes, and (read at each scrape) how many are in. */
export interface RoomMetrics {
  participantJoined(kind: Principal['kind']): void;
  participantLeft(reason: DisconnectedReason): void;
  /** Registers the reader of the active-meeting gauges; the latest registration wins. */
  observeActive(read: () => ActiveRooms): void;
  /** A meeting lost its media server: it `moved` to another, or `failed` (nobody could take it). */
  meetingMoved(outcome: MoveOutcome): void;
}

export const MOVE_OUTCOMES = ['moved', 'failed'] as const;
export type MoveOutcome = (typeof MOVE_OUTCOMES)[number];

/**
 * How a SIP or phone call that rang ended up (INTEROP-SIP, INTEROP-PSTN): `entered` a meeting;
 * `refused_e2ee`; `unanswered` (no gateway page could take it); `no_meeting` (no known meeting number
 * was given); `wrong_passcode`; `hung_up` (the caller left just as it was let in); `failed`.
 */
export const SIP_CALL_OUTCOMES = [
  'entered',
  'refused_e2ee',
  'unanswered',
  'no_meeting',
  'wrong_passcode',
  'hung_up',
  'failed',
] as const;
export type SipCallOutcome = (typeof SIP_CALL_OUTCOMES)[number];

/** What the SIP gateway reports: each call's outcome, and (read at each scrape) the calls in progress. */
export interface SipMetrics {
  sipCallEnded(outcome: SipCallOutcome): void;
  /** Registers the reader of the calls that have a gateway page (each a headless browser). */
  observeSipCalls(read: () => number): void;
}

/** For signaling and rooms built without an app (tool and harness code): records nothing. */
export const noMetrics: SignalingMetrics & RoomMetrics = {
  socketOpened: () => undefined,
  socketClosed: () => undefined,
  handshakeRefused: () => undefined,
  messageReceived: () => undefined,
  errorSent: () => undefined,
  joinStep: () => undefined,
  participantJoined: () => undefined,
  participantLeft: () => undefined,
  observeActive: () => undefined,
  meetingMoved: () => undefined,
};
