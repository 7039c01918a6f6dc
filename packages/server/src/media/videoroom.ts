import { randomBytes, randomInt } from 'node:crypto';
import {
  isJanusError,
  VideoRoomErrorCode,
  VIDEOROOM_PLUGIN,
  type JanusHandle,
  type JanusSession,
} from './janus-client';
import { Publisher, type PublisherState } from './publisher';
import { Subscriber, type SubscriberOptions, type SubscriberState } from './subscriber';

/*
 * A typed VideoRoom API in the spirit of mediasoup's explicit objects: a VideoRoom owns its
 * Janus room; a Publisher (publisher.ts) is one participant's sending PeerConnection; a Subscriber
 * (subscriber.ts) is one participant's multistream receiving PeerConnection, whose stream list it
 * keeps in sync with what the caller wants, one renegotiation at a time.
 */

/** Audio packets (20 ms each) Janus averages the audio level over before saying who talks. */
const TALKING_WINDOW_PACKETS = 50;
/** Average level (dBov below full scale: 0 loudest, 127 silence) under which a publisher talks. */
const TALKING_LEVEL_DBOV = 45;

/** Janus room and feed ids are integers; staying below 2^53 keeps them exact in JSON and JS. */
const randomId = () => randomInt(1, 2 ** 48);

export interface RoomOptions {
  description?: string;
  /** Concurrent publishers allowed (default 100). */
  publishers?: number;
  /** Passed as `admin_key` so that creating rooms stays reserved to the control plane. */
  adminKey?: string;
  /**
   * Publishers must send end-to-end encrypted media (insertable streams), and video is VP8 only:
   * SFrame leaves VP8's payload header in clear for Janus to packetize, while H.264 packetization
   * needs the NAL units that encryption hides.
   */
  requireE2ee?: boolean;
  /**
   * Max video bitrate per publisher in bit/s, which Janus tells the sender by REMB. Default 10 Mbit/s:
   * a camera's three simulcast layers (about 3.3 Mbit/s at most) and a 4K screen share (6 Mbit/s)
   * together; receivers get only the layers they choose (MEET-QUALITY, MEET-SHARE).
   */
  bitrate?: number;
}

/** A VideoRoom in Janus, created with a random id and a random secret only we know. */
export class VideoRoom {
  private destroyed = false;

  private constructor(
    readonly session: JanusSession,
    private readonly control: JanusHandle,
    readonly id: number,
    private readonly secret: string,
  ) {}

  /** Creates a room on a fresh control handle of `session`. */
  static async create(session: JanusSession, options: RoomOptions = {}): Promise<VideoRoom> {
    const control = await session.attach(VIDEOROOM_PLUGIN);
    try {
      const secret = randomBytes(18).toString('base64url');
      for (let attempt = 0; ; attempt++) {
        const id = randomId();
        try {
          await control.send({
            request: 'create',
            room: id,
            permanent: false,
            description: options.description ?? `room ${id}`,
            secret,
            is_private: true,
            publishers: options.publishers ?? 100,
            bitrate: options.bitrate ?? 10_000_000,
            fir_freq: 10,
            audiocodec: 'opus',
            videocodec: options.requireE2ee ? 'vp8' : 'vp8,h264',
            notify_joining: false,
            // Active speaker (MEET-LAYOUT): Janus reads the ssrc-audio-level RTP header extension,
            // which stays in clear under E2EE (SFrame encrypts payloads only), and tells every
            // publisher handle `talking` / `stopped-talking`. Averaged over 1 s (50 packets of 20 ms),
            // louder than -45 dBov on average counts as talking: speech with its pauses does, room
            // noise after the browser's noise suppression does not.
            audiolevel_ext: true,
            audiolevel_event: true,
            audio_active_packets: TALKING_WINDOW_PACKETS,
            audio_level_average: TALKING_LEVEL_DBOV,
            ...(options.requireE2ee && { require_e2ee: true }),
            ...(options.adminKey !== undefined && { admin_key: options.adminKey }),
          });
          return new VideoRoom(session, control, id, secret);
        } catch (err) {
          if (attempt < 3 && isJanusError(err, 'plugin', VideoRoomErrorCode.roomExists)) continue;
          throw err;
        }
      }
    } catch (err) {
      await control.detach().catch(() => undefined);
      throw err;
    }
  }

  /**
   * The room as another control-plane node left it (NET-SCALE): its session claimed by this node,
   * its control handle adopted by id.
   */
  static adopt(session: JanusSession, state: VideoRoomState): VideoRoom {
    return new VideoRoom(session, session.adoptHandle(state.controlHandleId), state.id, state.secret);
  }

  /** What another node needs to take this room over (its secret included: keep it where nodes trust). */
  state(): VideoRoomState {
    return { id: this.id, secret: this.secret, controlHandleId: this.control.id };
  }

  /** Asks Janus whether a room exists (any handle of the plugin may ask). */
  static async exists(handle: JanusHandle, room: number): Promise<boolean> {
    const reply = await handle.send({ request: 'exists', room });
    return reply.data.exists === true;
  }

  get isOpen(): boolean {
    return !this.destroyed && this.control.isOpen;
  }

  async exists(): Promise<boolean> {
    return VideoRoom.exists(this.control, this.id);
  }

  /** Destroys the room (Janus kicks whoever is left) and detaches the control handle. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      if (this.control.isOpen)
        await this.control.send({ request: 'destroy', room: this.id, secret: this.secret });
    } catch (err) {
      if (!isJanusError(err, 'plugin', VideoRoomErrorCode.noSuchRoom) && !isJanusError(err, 'closed'))
        throw err;
    } finally {
      await this.control.detach().catch(() => undefined);
    }
  }

  /** Attaches a handle and joins the room as a (not yet publishing) publisher. */
  async joinAsPublisher(options: { display: string; opaqueId?: string }): Promise<Publisher> {
    const handle = await this.session.attach(VIDEOROOM_PLUGIN, options.opaqueId);
    try {
      for (let attempt = 0; ; attempt++) {
        const feedId = randomId();
        try {
          const reply = await handle.send({
            request: 'join',
            ptype: 'publisher',
            room: this.id,
            id: feedId,
            display: options.display,
          });
          const privateId = typeof reply.data.private_id === 'number' ? reply.data.private_id : undefined;
          return new Publisher(this, handle, feedId, privateId);
        } catch (err) {
          if (attempt < 3 && isJanusError(err, 'plugin', VideoRoomErrorCode.idExists)) continue;
          throw err;
        }
      }
    } catch (err) {
      await handle.detach().catch(() => undefined);
      throw err;
    }
  }

  /** A subscriber for one participant; it attaches its handle when it first has streams. */
  createSubscriber(options: SubscriberOptions = {}): Subscriber {
    return new Subscriber(this, options);
  }

  /** A publisher another node made in this room (see `adopt`). */
  adoptPublisher(state: PublisherState): Publisher {
    return new Publisher(
      this,
      this.session.adoptHandle(state.handleId),
      state.feedId,
      state.privateId,
      state,
    );
  }

  /** A subscriber another node made in this room (see `adopt`); it carries `state.streams`. */
  adoptSubscriber(options: SubscriberOptions, state: SubscriberState): Subscriber {
    return new Subscriber(this, options, {
      handle: this.session.adoptHandle(state.handleId),
      streams: state.streams,
      ...(state.offer !== undefined && { offer: state.offer }),
    });
  }

  /** The feeds publishing in the room now, as Janus lists them. */
  async publishingFeeds(): Promise<Set<number>> {
    const reply = await this.control.send({ request: 'listparticipants', room: this.id });
    const list = Array.isArray(reply.data.participants) ? (reply.data.participants as unknown[]) : [];
    const feeds = new Set<number>();
    for (const entry of list) {
      const p = entry as Record<string, unknown>;
      if (typeof p.id === 'number' && p.publisher === true) feeds.add(p.id);
    }
    return feeds;
  }
}

/** A VideoRoom as another control-plane node can take it over. */
export interface VideoRoomState {
  id: number;
  secret: string;
  controlHandleId: number;
}
