import type { IceServerInfo, RegionRtts, VideoSubscription } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import type { Timers } from '../common/timers';
import type {
  CallLedger,
  CaptureAudit,
  CapturePolicy,
  MeetingCapture,
  MeetingChatLog,
  MeetingLifecycle,
} from '../domain';
import type { E2eeRoomContext } from '../e2ee';
import type { MediaLogger } from '../media/logger';
import type { MediaPlane, NodeLoad } from '../media/media-plane';
import type { RoomMetrics } from '../metrics';
import type { MeetingMemories } from './meeting-memory';
import type { Participant } from './participant';
import type { RoomStates } from './room-state';

/** What `joined` carries besides the roster: the request's rid, ICE servers, a newly issued guest token. */
export interface JoinReply extends IceConfig {
  rid?: string;
  guestToken?: string;
}

/** How a participant's browser connects its media: the relays it may use, and whether only them (NET-TURN). */
export interface IceConfig {
  iceServers: IceServerInfo[];
  iceTransportPolicy?: 'relay';
}

export interface RoomContext {
  media: MediaPlane;
  clock: Clock;
  logger: MediaLogger;
  /** Participants one meeting may hold at once; the next is refused with `meeting_full`. */
  maxParticipants: number;
  /** Microphones one participant receives at most (default DEFAULT_AUDIO_SLOTS; MEET-QUALITY). */
  audioSlots?: number;
  /** Told of every participant who comes and goes; nothing is recorded without it. */
  metrics?: RoomMetrics;
  /** The MLS delivery service of E2EE meetings. */
  e2ee: E2eeRoomContext;
  /**
   * Where a meeting's chat is kept while it lasts, and whether the organisation has chat on
   * (CHAT-MEETING); without it the room has no chat (`chat_disabled`).
   */
  chat?: MeetingChatLog;
  /**
   * What records and streams meetings (docs/recording.md, "Capture"); without it every start is
   * refused with `recording_unavailable`.
   */
  capture?: MeetingCapture;
  /** What the organisation and each meeting allow of recording and streaming; without it, nothing. */
  capturePolicy?: CapturePolicy;
  /** Told each recording and live stream that starts and ends, for the audit log (ADM-AUDIT). */
  captureAudit?: CaptureAudit;
  /** Told when a room's first participant is in and when its last one left (one-time meetings). */
  lifecycle?: MeetingLifecycle;
  /** Told who comes and goes, for call records (PRIV-CDR); nothing is recorded without it. */
  ledger?: CallLedger;
  /**
   * How long a room must stay empty before its meeting counts as over (default 30 s): someone whose
   * connection dropped, the last one in, is rejoining meanwhile.
   */
  emptyGraceMs?: number;
  /** How long someone may wait in the lobby before being told nobody let them in (default 30 min). */
  lobbyWaitMs?: number;
  /**
   * How long a participant whose connection dropped keeps its seat for its client to resume it
   * (MEET-RECONNECT; default 20 s, 0: it leaves at once).
   */
  reconnectGraceMs?: number;
  /** Where the room's own timers come from (tests pass fakes); real ones by default. */
  timers?: Timers;
  /**
   * Where the room keeps what moderators decided about people, so that a room rebuilt on another
   * control-plane node remembers it (NET-SCALE); without it the room's own memory is enough.
   */
  memories?: MeetingMemories;
  /** How loaded each media node is, for placing new rooms (the registry knows). */
  nodeLoad?: NodeLoad;
  /**
   * Where the room writes its live state, so that another control-plane node takes it up without a
   * media drop should this one die (NET-SCALE); without it a room lives and dies with its process.
   */
  states?: RoomStates;
}

/** What a join brings besides who it is: the device's E2EE identity key, the browser's region RTTs. */
export interface JoinExtras {
  identityKey?: Uint8Array;
  regionRtts?: RegionRtts;
  /** Takes up a participation a node that died held, with the token of its `joined`. */
  resume?: { participantId: string; token: string };
  /** Which videos it receives: the server's pick (the default) or what its `setView` names. */
  videoSubscription?: VideoSubscription;
}

/** Whether a join went in at once or waits in the lobby. */
export type Entry = { waiting: false; participant: Participant } | { waiting: true; id: string };
