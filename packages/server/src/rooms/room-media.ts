import type { MeetingRecord } from '../domain';
import type { JanusSession } from '../media/janus-client';
import type { MediaLogger } from '../media/logger';
import type { MediaNode, MediaPlane, PlacementRequest } from '../media/media-plane';
import { VideoRoom } from '../media/videoroom';
import { RoomClosedError } from './errors';

/** A meeting's room on a media server: the node, the Janus session and the VideoRoom in it. */
export interface RoomMedia {
  node: MediaNode;
  session: JanusSession;
  room: VideoRoom;
}

export interface RoomMediaOptions {
  plane: MediaPlane;
  meeting: MeetingRecord;
  logger: MediaLogger;
  /** The meeting room closed meanwhile: a Janus room made now would be nobody's. */
  closed: () => boolean;
  /** The Janus session went away under the room. */
  onLost: (why: string) => void;
  /**
   * Where the Janus room should go, asked each time one is made: on the first admission, and again
   * when the room moves after its media server was lost.
   */
  placement: () => PlacementRequest;
  /**
   * The meeting's participant cap: the Janus room takes as many publishers, so that whoever the
   * meeting lets in can publish, and nobody past it can (MEET-QUALITY).
   */
  maxParticipants: number;
}

/**
 * Makes a meeting's Janus room on first need (once, however many ask at the same time) and destroys
 * it at the end. Nobody waiting in the lobby ever causes one to be made.
 */
export class RoomMediaHandle {
  private making: Promise<RoomMedia> | null = null;
  private made: RoomMedia | null = null;

  constructor(private readonly o: RoomMediaOptions) {}

  /** The room's media, once made. */
  get ready(): RoomMedia | null {
    return this.made;
  }

  ensure(): Promise<RoomMedia> {
    this.making ??= this.make().then(
      (media) => (this.made = media),
      (err: unknown) => {
        this.making = null;
        throw err;
      },
    );
    return this.making;
  }

  /** Takes up a Janus room another node made, its session claimed (see RoomContinuity). */
  adopt(media: RoomMedia): void {
    this.watch(media.session);
    this.made = media;
    this.making = Promise.resolve(media);
  }

  /**
   * Another node holds the meeting now and runs its Janus room: stop using it here without destroying
   * it, and without taking its session's end for a failure.
   */
  abandon(): void {
    const media = this.made;
    this.made = null;
    this.making = null;
    if (!media) return;
    media.session.off('closed', this.lost);
    media.session.abandon();
  }

  /** The media server failed: forget the room (the next `ensure` makes a new one), and let its session go. */
  drop(): void {
    const media = this.made;
    this.made = null;
    this.making = null;
    void media?.session.destroy().catch(() => undefined);
  }

  /** Destroys the Janus room and its session, once any making in progress has settled. */
  async release(): Promise<void> {
    const media = this.made ?? (this.making ? await this.making.catch(() => null) : null);
    this.made = null;
    if (!media) return;
    try {
      await media.room.destroy();
    } catch (err) {
      this.o.logger.warn(
        { meetingId: this.o.meeting.id, err: (err as Error).message },
        'cannot destroy Janus room',
      );
    }
    await media.session.destroy().catch(() => undefined);
    this.o.logger.info({ meetingId: this.o.meeting.id }, 'meeting room closed');
  }

  private readonly lost = (reason: string) => this.o.onLost(`Janus session ${reason}`);

  private watch(session: JanusSession): void {
    session.once('closed', this.lost);
  }

  private async make(): Promise<RoomMedia> {
    const node = await this.o.plane.nodeForRoom(this.o.meeting.id, undefined, this.o.placement());
    const session = await node.client.createSession();
    try {
      const room = await VideoRoom.create(session, {
        adminKey: node.adminKey,
        description: 'conclave meeting',
        requireE2ee: this.o.meeting.e2ee,
        publishers: this.o.maxParticipants,
      });
      if (this.o.closed()) {
        await room.destroy().catch(() => undefined);
        throw new RoomClosedError('The meeting room closed');
      }
      this.watch(session);
      this.o.logger.info(
        { meetingId: this.o.meeting.id, region: node.region, server: node.serverId, room: room.id },
        'Janus room created',
      );
      return { node, session, room };
    } catch (err) {
      await session.destroy().catch(() => undefined);
      throw err;
    }
  }
}
