import type { ClientMessage, DisconnectedReason, ServerMessage } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord, Principal } from '../domain';
import type { MeetingRoom } from './meeting-room';
import type { JoinExtras, JoinReply } from './room-context';
import type { Participant, ParticipantSink } from './participant';
import type { RoomRegistry } from './registry';

/** What a connection asks of its meeting once in it: every client request but join and ping. */
export type RoomRequest = Exclude<ClientMessage, { type: 'join' | 'ping' }>;

/** What a client is told when the node holding its meeting went away and its seat cannot be taken again. */
export const OWNER_LOST = 'The server hosting this meeting went away; reconnecting';

/** How a meeting talks back to one connection. */
export interface SeatSink {
  send(message: ServerMessage): void;
  /** Tells the client why it is being let go (a `disconnected` frame), then closes the connection. */
  end(reason: DisconnectedReason, message: string): void;
  /**
   * The node holding the meeting died (NET-SCALE): take a seat again with the node holding it now,
   * resuming the participation, or else `end` it. Without this the seat ends.
   */
  reseat?(): void;
  /**
   * This node hands the meeting over as it shuts down: close the client's socket without a word so
   * that it resumes through another node (a forwarded seat's node seats it again). Without this, `end`.
   */
  handOff?(): void;
}

/**
 * A connection's place in one meeting, in its lobby or in its room, wherever that room lives: in this
 * process, or on the node that owns the meeting (NET-SCALE). The connection only ever talks to this.
 */
export interface Seat {
  /** Carries one request to the room, in the order given; resolves with Janus's answer to a publish. */
  request(message: RoomRequest): Promise<string | undefined>;
  /**
   * The connection is gone without a `leave`. A participant keeps its seat for the reconnect grace
   * when `resumable` (its socket dropped), and leaves now when not (the server cut it off, or the
   * client closed it on purpose); a wait in the lobby ends either way.
   */
  disconnect(resumable: boolean): void;
}

/** Where a connection that may join a meeting takes its seat. */
export interface MeetingDoor {
  enter(
    meeting: MeetingRecord,
    principal: Principal,
    sink: SeatSink,
    reply: JoinReply,
    extras: JoinExtras,
  ): Promise<Seat>;
}

/** Seats in rooms of this process: the whole story without scale-out, and the owner's side with it. */
export class LocalDoor implements MeetingDoor {
  constructor(private readonly rooms: RoomRegistry) {}

  async enter(
    meeting: MeetingRecord,
    principal: Principal,
    sink: SeatSink,
    reply: JoinReply,
    extras: JoinExtras,
  ): Promise<Seat> {
    const seat = new LocalSeat(sink);
    const { room, entry } = await this.rooms.join(meeting, principal, seat, reply, extras);
    seat.placed(room, entry.waiting ? entry.id : null);
    return seat;
  }
}

/** A seat in a room of this process. */
class LocalSeat implements Seat, ParticipantSink {
  private room: MeetingRoom | null = null;
  private participant: Participant | null = null;
  /** In the lobby under this id, until a moderator decides. */
  private waitingId: string | null = null;
  private gone = false;

  constructor(private readonly sink: SeatSink) {}

  /** The join went through: into `room`, waiting under `waitingId` or (already `entered`) in it. */
  placed(room: MeetingRoom, waitingId: string | null): void {
    this.room = room;
    if (waitingId !== null && !this.participant) this.waitingId = waitingId;
  }

  entered(room: MeetingRoom, participant: Participant): void {
    this.room = room;
    this.participant = participant;
    this.waitingId = null;
    // Admitted from the lobby just as the connection went: the room hears of it once done admitting.
    if (this.gone) queueMicrotask(() => room.dropped(participant, this, false));
  }

  send(message: ServerMessage): void {
    this.sink.send(message);
  }

  end(reason: DisconnectedReason, message: string): void {
    this.sink.end(reason, message);
  }

  handOff(): void {
    if (this.sink.handOff) this.sink.handOff();
    else this.sink.end('server_shutdown', 'The server is restarting.');
  }

  async request(message: RoomRequest): Promise<string | undefined> {
    if (message.type === 'leave' && this.waitingId !== null) {
      this.room?.lobby.leave(this.waitingId);
      this.waitingId = null;
      return undefined;
    }
    const { participant, room } = this;
    // The participation went on from another connection (a resume): this one speaks for it no more.
    if (!participant || !room || participant.left || participant.sink !== this) {
      throw new AppError(409, 'not_joined', 'Join a meeting first');
    }
    if (room.recorders.has(participant)) room.recorders.assertAllowed(message);
    try {
      return await dispatch(room, participant, message);
    } finally {
      // Also after a refusal half-way through (e.g. one of several targets was a moderator).
      if (MODERATION.has(message.type)) room.remember();
    }
  }

  disconnect(resumable: boolean): void {
    if (this.gone) return;
    this.gone = true;
    const { participant, room } = this;
    if (participant && room) room.dropped(participant, this, resumable);
    if (this.waitingId !== null) room?.lobby.leave(this.waitingId);
    this.waitingId = null;
  }
}

/** Requests whose outcome the room remembers about people (the lobby's and moderators' decisions). */
const MODERATION: ReadonlySet<RoomRequest['type']> = new Set([
  'admit',
  'reject',
  'muteParticipants',
  'allowUnmute',
  'removeParticipants',
  'setModerator',
]);

/** Hands a participant's request to the part of its room that decides it. */
async function dispatch(
  room: MeetingRoom,
  p: Participant,
  message: RoomRequest,
): Promise<string | undefined> {
  switch (message.type) {
    case 'publish':
      return room.publishing.publish(p, message);
    case 'subscriptionAnswer':
      await room.publishing.answerSubscription(p, message.sdp);
      return undefined;
    case 'restartPublisherIce':
      return room.publishing.restartPublisherIce(p, message.sdp);
    case 'restartSubscriberIce':
      room.publishing.restartSubscriberIce(p);
      return undefined;
    case 'trickle':
      await room.publishing.trickle(p, message);
      return undefined;
    case 'setMute':
      await room.publishing.setMute(p, message.source, message.muted);
      return undefined;
    case 'setVideoLayers':
      await room.publishing.setVideoLayers(p, message);
      return undefined;
    case 'setView':
      room.setView(p, message.video);
      return undefined;
    case 'admit':
      await room.lobby.admit(p, message.participantIds, message.admissions);
      return undefined;
    case 'reject':
      room.lobby.reject(p, message.participantIds);
      return undefined;
    case 'muteParticipants':
      await room.moderation.mute(p, message.participantIds, message.source, message.allowUnmute);
      return undefined;
    case 'allowUnmute':
      room.moderation.allowUnmute(p, message.participantIds, message.source);
      return undefined;
    case 'removeParticipants':
      room.moderation.remove(p, message.participantIds);
      return undefined;
    case 'setModerator':
      room.moderation.setModerator(p, message.participantId, message.moderator);
      return undefined;
    case 'raiseHand':
      room.hands.raise(p, message.raised);
      return undefined;
    case 'lowerHand':
      room.hands.lower(p, message.participantId);
      return undefined;
    case 'sendChat':
      await room.chat.post(p, message.body);
      return undefined;
    case 'sendEncryptedChat':
      await room.chat.relay(p, message.message);
      return undefined;
    case 'startRecording':
      await room.captures.start(p.principal, p.moderator, 'recording');
      return undefined;
    case 'stopRecording':
      await room.captures.stop(p.principal, 'recording');
      return undefined;
    case 'startStream':
      await room.captures.start(p.principal, p.moderator, 'stream');
      return undefined;
    case 'stopStream':
      await room.captures.stop(p.principal, 'stream');
      return undefined;
    case 'e2eeGroupCreated':
    case 'e2eeAdmit':
    case 'e2eeKeyPackage':
    case 'e2eeCommit':
    case 'e2eeReady':
      await room.e2ee(p, message);
      return undefined;
    case 'leave':
      room.leave(p, 'left');
      return undefined;
  }
}
