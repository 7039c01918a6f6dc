import type {
  DisconnectedReason,
  Notification,
  RegionRtts,
  ServerMessage,
  VideoSubscription,
} from '@conclave/protocol';
import type { MeetingRecord, Principal, ServerModeration } from '../domain';
import type { JoinReply, RoomRequest } from '../rooms';
import type { ErrorFrameBody } from '../signaling/errors';

/**
 * From the node holding a client's socket (its landing node) to the node owning the meeting. `call`
 * numbers a seat's requests so that replies find their caller; `enter` is call 0.
 */
export type ToOwner =
  | {
      kind: 'enter';
      seat: string;
      meeting: MeetingRecord;
      principal: Principal;
      reply: JoinReply;
      /** The device identity key, base64url. */
      identityKey?: string;
      regionRtts?: RegionRtts;
      /** Takes up a participation the meeting's dead owner held (see JoinExtras). */
      resume?: { participantId: string; token: string };
      videoSubscription?: VideoSubscription;
    }
  | { kind: 'request'; seat: string; call: number; message: RoomRequest }
  /** The socket went without a `leave`; `resumable`: it dropped, and its participant keeps its seat a while. */
  | { kind: 'disconnect'; seat: string; resumable: boolean };

/** From the owner back to the landing node of a seat. */
export type ToLanding =
  | { kind: 'reply'; seat: string; call: number; result: CallResult }
  | { kind: 'send'; seat: string; message: ServerMessage }
  | { kind: 'end'; seat: string; reason: DisconnectedReason; message: string }
  /** The owner is shutting down and has handed the meeting over: seat the participant again. */
  | { kind: 'moved'; seat: string };

/**
 * How a call went: its value (Janus's answer to a publish), the error the client is to see, or
 * `notOwner` when the node asked does not own the meeting (any more): the caller asks who does.
 */
export type CallResult =
  { ok: true; value?: string } | { ok: false; error: ErrorFrameBody } | { ok: false; notOwner: true };

export type NodeMessage = ToOwner | ToLanding;

export const isToOwner = (m: NodeMessage): m is ToOwner =>
  m.kind === 'enter' || m.kind === 'request' || m.kind === 'disconnect';

/** What every node hears: the domain events that end connections wherever they are. */
export type ClusterEvent =
  | { kind: 'sessionEnded'; sessionId: string }
  | { kind: 'meetingDeleted'; meetingId: string }
  /** For a user's notification sockets, wherever they are open. */
  | { kind: 'userNotified'; userId: string; notification: Notification }
  /** A node took the meeting over from `from`, which died: its participants elsewhere must rejoin now. */
  | { kind: 'meetingTakenOver'; meetingId: string; from: string }
  /** The platform API moderates a meeting another node holds: that node does it (docs/api.md). */
  | { kind: 'moderate'; meeting: MeetingRecord; action: ServerModeration };
