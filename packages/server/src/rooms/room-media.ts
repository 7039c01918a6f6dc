import type { RegionRtts } from '@conclave/protocol';
import type { MeetingRecord } from '../domain';
import type { JanusSession } from '../media/janus-client';
import type { MediaLogger } from '../media/logger';
import type { MediaNode, MediaPlane, NodeLoad } from '../media/media-plane';
import { regionsByRtt } from '../media/placement';
import type { RoomMetrics } from '../metrics';
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
  metrics?: RoomMetrics | undefined;
  /** How loaded each media node is, for placing the room. */
  load?: NodeLoad | undefined;
  /** The meeting room closed meanwhile: a Janus room made now would be nobody's. */
  closed: () => boolean;
  /**
   * The media server is gone (NET-FAILOVER) and the room is moving: its handles died with it, and
   * `moved` or `failed` follows.
   */
  lost: () => void;
  /** A new Janus room is ready elsewhere: everyone publishes again. */
  moved: () => void;
  /** No media server took the room: everyone must go. */
  failed: (why: string) => void;
  /**
   * The meeting's participant cap: the Janus room takes as many publishers, so that whoever the
   * meeting lets in can publish, and nobody past it can (MEET-QUALITY).
   */
  maxParticipants: number;
}

/**
 * Makes a meeting's Janus room on first need (once, however many ask at the same time), in the region
 * its first participant is nearest to, moves it when its media server is lost, and destroys it at the
 * end. Nobody waiting in the lobby ever causes one to be made.
 */
export class RoomMediaHandle {
  private making: Promise<RoomMedia> | null = null;
  private made: RoomMedia | null = null;
  private moving = false;
  /**
   * Regions nearest first, as the first participant admitted measured them (NET-REGIONS): the Janus
   * room is made by that admission, so its measurements place the meeting; later joiners' do not move
   * it. After a move, the region the room was in comes first. Null until someone is admitted.
   */
  nearest: readonly string[] | null = null;

  constructor(private readonly o: RoomMediaOptions) {}

  /** The room's Janus room for an admission, placed by its measurements when it is the first. */
  forAdmission(regionRtts: RegionRtts | undefined): Promise<RoomMedia> {
    this.nearest ??= regionsByRtt(regionRtts ?? {});
    return this.ensure();
  }

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

  /**
   * The media server is gone (NET-FAILOVER): the room moves to another one (or to the same one once
   * restarted), another server of the same region first (the people in it are nearest to it).
   */
  move(why: string): void {
    if (this.o.closed() || this.moving) return;
    this.moving = true;
    const { logger, meeting } = this.o;
    logger.warn({ meetingId: meeting.id, why }, 'meeting media lost; moving the meeting');
    const region = this.made?.node.region;
    if (region) this.nearest = [region, ...(this.nearest ?? []).filter((r) => r !== region)];
    this.drop();
    this.o.lost();
    this.ensure().then(
      (media) => {
        this.moving = false;
        if (this.o.closed()) return;
        this.o.metrics?.meetingMoved('moved');
        const { region: r, serverId: server } = media.node;
        logger.info(
          { meetingId: meeting.id, region: r, server, room: media.room.id },
          'meeting moved to another media room',
        );
        this.o.moved();
      },
      (err: unknown) => {
        this.moving = false;
        logger.warn({ meetingId: meeting.id, err }, 'no media server took the meeting');
        this.o.metrics?.meetingMoved('failed');
        this.o.failed(why);
      },
    );
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

  private readonly lost = (reason: string) => this.move(`Janus session ${reason}`);

  private watch(session: JanusSession): void {
    session.once('closed', this.lost);
  }

  private async make(): Promise<RoomMedia> {
    const node = await this.o.plane.nodeForRoom(this.o.meeting.id, undefined, {
      regions: this.nearest ?? [],
      ...(this.o.load && { load: this.o.load }),
    });
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
