import type { RegionRtts, TrackSource, VideoSubscription, ViewEntry } from '@conclave/protocol';
import type { Principal } from '../domain';
import type { DeliveryState } from '../e2ee';
import type { MediaLogger } from '../media/logger';
import type { MeetingValues } from './meeting-values';
import type { CaptureState } from './recording';
import type { PublisherState } from '../media/publisher';
import type { SubscriberState } from '../media/subscriber';
import type { VideoRoomState } from '../media/videoroom';

/**
 * A meeting room's live state as plain data, written where every control-plane node finds it
 * (NET-SCALE), so that when the node holding the room dies another takes it up where it was: the
 * same Janus session (claimed), the same participants with their publishers and subscriptions, and
 * nobody's media stops. What moderators decided is kept apart (meeting-memory.ts).
 */
export interface RoomState {
  v: 2;
  /** The room's Janus room, while it has one. */
  media: { serverId: string; sessionId: number; room: VideoRoomState } | null;
  /** Regions nearest first, as the room was placed. */
  nearest: string[] | null;
  /** Someone was in: the meeting counts as over once the room empties. */
  started: boolean;
  participants: ParticipantState[];
  /** Who waits in the lobby. */
  lobby: KnockState[];
  /** An E2EE meeting's MLS delivery service, once it exists. */
  e2ee: DeliveryState | null;
  /** A recording or live stream that runs (REC-NOTICE): the next owner starts it again. */
  capture?: CaptureState;
}

export interface ParticipantState {
  id: string;
  principal: Principal;
  joinedAt: string;
  moderator: boolean;
  /** SHA-256 of the participant's resume token, hex. */
  resumeHash: string;
  tracks: Array<{ source: TrackSource; mid: string; muted: boolean }>;
  muted: Array<[TrackSource, boolean]>;
  publisher: PublisherState | null;
  subscriber: SubscriberState | null;
  videoSubscription?: VideoSubscription;
  view?: ViewEntry[];
}

export interface KnockState {
  id: string;
  principal: Principal;
  /** When the wait began: it ends as long after as if nothing had happened. */
  since: string;
  /** SHA-256 of the wait's resume token, hex. */
  resumeHash: string;
  /** The device's E2EE identity key, base64url. */
  identityKey?: string;
  regionRtts?: RegionRtts;
  videoSubscription?: VideoSubscription;
}

/** Where rooms keep their live state for the next owner. */
export type RoomStates = MeetingValues<RoomState>;

/** Saves never come closer together than this: a burst of changes costs one write. */
const MIN_GAP_MS = 20;
/**
 * A quiet room writes its state again this often: the store keeps it only a little longer (20 s in
 * Redis), so a dead node's state is gone before a later meeting could mistake it for a live one.
 */
const REFRESH_MS = 5_000;

/**
 * Writes a room's state after it changes: at once when idle, else once the write in flight is done
 * (and at most every MIN_GAP_MS), always the state as it is then. A failed write is logged and the
 * next change writes again: the room goes on with what it knows.
 */
export class RoomStateKeeper {
  private writing = false;
  private dirty = false;
  private stopped = false;
  private refresh: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RoomStates,
    private readonly meetingId: string,
    private readonly snapshot: () => RoomState,
    private readonly logger: MediaLogger,
  ) {}

  changed(): void {
    if (this.stopped) return;
    if (!this.refresh) {
      this.refresh = setInterval(() => this.changed(), REFRESH_MS);
      this.refresh.unref();
    }
    this.dirty = true;
    if (this.writing) return;
    this.writing = true;
    // Whatever else changes in this turn goes into the same write.
    queueMicrotask(() => void this.write());
  }

  /** Writes the state now (after any write in flight: one order per room), whatever is scheduled. */
  async flush(): Promise<void> {
    this.dirty = false;
    await this.store.save(this.meetingId, this.snapshot());
  }

  /**
   * Nobody takes this room up any more (it emptied, ended, or another node holds it): no more writes,
   * and with `forget` its state goes (after a write in flight: the store keeps one order per room).
   */
  stop(forget: boolean): void {
    this.stopped = true;
    if (this.refresh) clearInterval(this.refresh);
    if (!forget) return;
    this.store.forget(this.meetingId).catch((err: unknown) => this.warn(err, 'drop'));
  }

  private async write(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      try {
        await this.store.save(this.meetingId, this.snapshot());
      } catch (err) {
        this.warn(err, 'keep');
      }
      if (this.dirty) await new Promise((resolve) => setTimeout(resolve, MIN_GAP_MS));
    }
    this.writing = false;
  }

  private warn(err: unknown, what: 'keep' | 'drop'): void {
    this.logger.warn({ err, meetingId: this.meetingId }, `could not ${what} the meeting room’s live state`);
  }
}
