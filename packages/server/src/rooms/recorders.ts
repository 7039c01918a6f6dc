import type { DisconnectedReason, ServerMessage } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MediaLogger } from '../media/logger';
import type { Participant } from './participant';
import type { RoomRequest } from './seat';

/** What a recorder may ask of the room: to receive, and to go. */
const RECORDER_REQUESTS: ReadonlySet<RoomRequest['type']> = new Set([
  'subscriptionAnswer',
  'restartSubscriberIce',
  'trickle',
  'setView',
  'leave',
]);

/**
 * The recorders in a room (REC-START, STREAM-LIVE): participants of the kind `egress` that the server
 * launched for a recording or a live stream. Kept apart from the room's participants, so that they
 * are in no roster, count against no limit, keep no meeting open, take no part in moderation or chat
 * and never publish; they hear what the room tells everyone (the roster as it changes) and receive
 * every microphone and the videos, as any participant's subscription does.
 */
export class Recorders {
  private readonly present = new Map<string, Participant>();

  constructor(
    private readonly meetingId: string,
    private readonly logger: MediaLogger,
  ) {}

  get size(): number {
    return this.present.size;
  }

  values(): IterableIterator<Participant> {
    return this.present.values();
  }

  has(p: Participant): boolean {
    return this.present.get(p.id) === p;
  }

  add(p: Participant): void {
    this.present.set(p.id, p);
    this.logger.info({ meetingId: this.meetingId, participantId: p.id }, 'recorder joined');
  }

  /** Refuses whatever a recorder may not ask (deny by default: it only receives). */
  assertAllowed(message: RoomRequest): void {
    const allowed =
      RECORDER_REQUESTS.has(message.type) && (message.type !== 'trickle' || message.target === 'subscriber');
    if (!allowed) throw new AppError(403, 'forbidden', 'A recorder only receives the meeting');
  }

  /** The recorder goes: its subscription is closed, and nobody else is told (nobody saw it). */
  leave(p: Participant): void {
    if (!this.has(p)) return;
    p.left = true;
    this.present.delete(p.id);
    const subscriber = p.subscriber;
    p.subscriber = null;
    void subscriber?.close().catch(() => undefined);
    this.logger.info({ meetingId: this.meetingId, participantId: p.id }, 'recorder left');
  }

  send(message: ServerMessage): void {
    for (const p of this.present.values()) p.sink.send(message);
  }

  /** The media server went (NET-FAILOVER): their subscriptions died with it. */
  lost(): void {
    for (const p of this.present.values()) p.subscriber = null;
  }

  /** The room ends: every recorder is told why and let go. */
  dismiss(reason: DisconnectedReason, message: string): void {
    for (const p of [...this.present.values()]) {
      p.sink.end(reason, message);
      this.leave(p);
    }
  }
}
