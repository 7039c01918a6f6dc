import type { ClientMessageOf, ServerMessage, TrackSource } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord } from '../domain';
import type { Publisher } from '../media/publisher';
import { copyCandidate } from './candidates';
import { RoomClosedError } from './errors';
import type { IceRestartBudget } from './ice-restarts';
import type { Participant } from './participant';
import { validateTracks } from './publish-claims';
import { checkLayerChoices } from './video-layers';
import type { RoomMedia } from './room-media';

/** What publishing needs of its room. */
export interface PublishingRoom {
  readonly meeting: MeetingRecord;
  closed(): boolean;
  /** The room's Janus room, made on first need. */
  media(): Promise<RoomMedia>;
  broadcast(message: ServerMessage): void;
  /** Points every participant's subscription at every other participant's active streams. */
  refreshSubscriptions(): void;
  /** Something another node would need to take the room over changed (an offer was answered). */
  changed(): void;
  /** Janus's audio levels say the participant started or stopped talking; `muted`: its microphone is. */
  talking(p: Participant, talking: boolean, muted: boolean): void;
}

/**
 * What each participant sends through the room's Janus room and how it answers what it receives: its
 * publisher (tracks, mutes), its ICE candidates, its answers to subscription offers. `byFeed` is the
 * room's index of publishers by Janus feed id, which subscriptions read.
 */
export class Publishing {
  constructor(
    private readonly room: PublishingRoom,
    private readonly byFeed: Map<number, Participant>,
    private readonly restarts: IceRestartBudget,
  ) {}

  /** Publishes (or renegotiates) the participant's sending connection; returns Janus's answer. */
  async publish(p: Participant, msg: ClientMessageOf<'publish'>): Promise<string> {
    this.assertPresent(p);
    validateTracks(msg.sdp, msg.tracks);
    const descriptions = msg.tracks.map((t) => ({ mid: t.mid, description: t.source }));
    const media = await this.room.media();
    let publisher = p.publisher;
    if (!publisher || !publisher.active) {
      // A publisher that never came up, or went down, is replaced rather than reused.
      if (publisher) await publisher.close();
      publisher = await media.room.joinAsPublisher({ display: p.displayName, opaqueId: p.id });
      if (p.left || this.room.closed()) {
        await publisher.close();
        throw new RoomClosedError('Left the meeting while publishing');
      }
      this.attach(p, publisher);
    }
    // Janus refuses media not marked end-to-end encrypted in a room that requires it.
    const result = await publisher.publish(msg.sdp, descriptions, { e2ee: this.room.meeting.e2ee });
    if (p.left || this.room.closed()) throw new RoomClosedError('Left the meeting while publishing');
    const offered = new Set(result.streams.map((s) => s.mid));
    p.tracks.clear();
    for (const t of msg.tracks) {
      if (offered.has(t.mid)) p.tracks.set(t.source, { mid: t.mid, muted: p.muted.get(t.source) ?? false });
    }
    for (const t of p.tracks.values()) if (t.muted) await publisher.setSend(t.mid, false);
    this.room.broadcast({ type: 'participantUpdated', participant: p.info() });
    // Renegotiating an active publisher may change its streams; new publishers wait for 'active'.
    if (publisher.active) this.room.refreshSubscriptions();
    return result.sdp;
  }

  /**
   * The participant's sending connection restarts ICE (MEET-RECONNECT): its offer, for the media
   * sections it publishes, goes to its publisher's PeerConnection; returns Janus's answer. Nothing
   * published (or a publisher that went down): `invalid_state`, and the client publishes afresh.
   */
  async restartPublisherIce(p: Participant, sdp: string): Promise<string> {
    this.assertPresent(p);
    const publisher = p.publisher;
    if (!publisher || publisher.closed) {
      throw new AppError(409, 'invalid_state', 'Nothing is published to restart: publish again');
    }
    this.restarts.take(p, 'publisher');
    validateTracks(
      sdp,
      [...p.tracks].map(([source, t]) => ({ source, mid: t.mid })),
    );
    const answer = await publisher.restartIce(sdp, { e2ee: this.room.meeting.e2ee });
    if (p.left || this.room.closed()) throw new RoomClosedError('Left the meeting while restarting');
    return answer;
  }

  /**
   * The participant's receiving connection restarts ICE (MEET-RECONNECT): a fresh subscription offer
   * with new credentials follows. No subscription yet: `invalid_state`.
   */
  restartSubscriberIce(p: Participant): void {
    this.assertPresent(p);
    if (!p.subscriber || p.subscriber.closed) {
      throw new AppError(409, 'invalid_state', 'There is no subscription to restart');
    }
    this.restarts.take(p, 'subscriber');
    p.subscriber.restartIce();
  }

  /** The client's answer to the last subscription offer. */
  async answerSubscription(p: Participant, sdp: string): Promise<void> {
    this.assertPresent(p);
    if (!p.subscriber?.negotiating) {
      throw new AppError(409, 'invalid_state', 'There is no subscription offer to answer');
    }
    await p.subscriber.answer(sdp);
    this.room.changed();
  }

  async trickle(p: Participant, msg: ClientMessageOf<'trickle'>): Promise<void> {
    this.assertPresent(p);
    const candidate = msg.candidate ? copyCandidate(msg.candidate) : null;
    if (msg.target === 'publisher') {
      if (!p.publisher || p.publisher.closed) {
        throw new AppError(409, 'invalid_state', 'Publish before sending publisher candidates');
      }
      await p.publisher.trickle(candidate);
    } else {
      if (!p.subscriber || p.subscriber.closed) {
        throw new AppError(409, 'invalid_state', 'There is no subscription to send candidates for');
      }
      await p.subscriber.trickle(candidate);
    }
  }

  /**
   * Mutes or unmutes one of the participant's own tracks: Janus stops or resumes relaying it. A source
   * a moderator muted stays muted until the moderator allows unmuting it (MEET-MOD-MUTE).
   */
  async setMute(p: Participant, source: TrackSource, muted: boolean): Promise<void> {
    this.assertPresent(p);
    if (!muted && p.muteLocks.has(source)) {
      throw new AppError(403, 'muted_by_moderator', 'A moderator muted you; ask them to let you unmute');
    }
    await this.applyMute(p, source, muted);
  }

  /** Mutes or unmutes whatever locks say (a moderator's mute goes through here too). */
  async applyMute(p: Participant, source: TrackSource, muted: boolean): Promise<void> {
    p.muted.set(source, muted);
    const track = p.tracks.get(source);
    if (!track) return; // not published yet: applied when it is
    if (p.publisher && !p.publisher.closed) await p.publisher.setSend(track.mid, !muted);
    if (muted && source === 'microphone') this.room.talking(p, false, true);
    if (track.muted === muted) return;
    track.muted = muted;
    this.room.broadcast({ type: 'participantUpdated', participant: p.info() });
    // A screen share that stops is taken out of every subscription, and put back when it starts; a
    // microphone muted or unmuted changes whose take the audio slots (MEET-QUALITY).
    if (source !== 'camera') this.room.refreshSubscriptions();
  }

  /**
   * Which simulcast layer the participant receives of each video it is sent (MEET-QUALITY): only
   * video sections of its own subscription, as its client last learned them from an offer.
   */
  async setVideoLayers(p: Participant, msg: ClientMessageOf<'setVideoLayers'>): Promise<void> {
    this.assertPresent(p);
    const subscriber = p.subscriber;
    if (!subscriber || subscriber.closed) {
      throw new AppError(409, 'invalid_state', 'There is no subscription to choose layers for');
    }
    await subscriber.configureLayers(checkLayerChoices(msg.layers, subscriber.streams));
  }

  /** Makes `publisher` the participant's: its feed is indexed, its events followed. */
  attach(p: Participant, publisher: Publisher): void {
    p.publisher = publisher;
    this.byFeed.set(publisher.feedId, p);
    publisher.on('active', () => this.room.refreshSubscriptions());
    publisher.on('talking', (talking) => {
      if (p.publisher !== publisher || p.left) return;
      const microphone = p.tracks.get('microphone');
      this.room.talking(p, talking, microphone === undefined || microphone.muted);
    });
    publisher.on('trickle', (candidate) => {
      if (!p.left)
        p.sink.send({
          type: 'trickle',
          target: 'publisher',
          candidate: candidate && copyCandidate(candidate),
        });
    });
    // Video coming in again after a gap (a network outage, an ICE restart; MEET-RECONNECT): receivers
    // cannot decode it until a keyframe comes, and would otherwise wait for their own PLIs to get through.
    publisher.on('media', (event) => {
      if (event.type === 'video' && event.receiving && !publisher.closed) {
        void publisher.requestKeyframe().catch(() => undefined);
      }
    });
    // A PeerConnection that went down is not reused: drop it, the client publishes again.
    publisher.on('inactive', () => void publisher.close());
    publisher.on('closed', () => {
      if (p.publisher !== publisher) return;
      p.publisher = null;
      this.byFeed.delete(publisher.feedId);
      if (p.left || this.room.closed()) return;
      p.tracks.clear();
      this.room.broadcast({ type: 'participantUpdated', participant: p.info() });
      this.room.refreshSubscriptions();
    });
  }

  private assertPresent(p: Participant): void {
    if (p.left || this.room.closed()) throw new AppError(409, 'not_joined', 'You are not in this meeting');
  }
}
