import { MAX_VIEW_VIDEO, viewKey, type StreamInfo, type ViewEntry } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { isJanusError, VideoRoomErrorCode } from '../media/janus-client';
import type { MediaLogger } from '../media/logger';
import type { StreamSource, SubscribedStream } from '../media/subscribed-streams';
import type { Subscriber, SubscriberState } from '../media/subscriber';
import type { VideoRoom } from '../media/videoroom';
import { AudioSlots } from './audio-slots';
import { copyCandidate } from './candidates';
import { shown, type Participant } from './participant';

/** A track someone publishes, as subscriptions pick from them. */
interface Source extends StreamSource {
  owner: Participant;
  kind: 'audio' | 'camera' | 'screen';
  /** The owner's id (for the audio slots). */
  participantId: string;
  muted: boolean;
}

/**
 * Keeps each participant's one multistream subscription in line with who publishes and what it
 * shows (MEET-QUALITY): the others' microphones (all of them, or the latest speakers' when there are
 * more than audio slots), and the videos its view names (`chosen`) or else the first MAX_VIEW_VIDEO
 * (screens first, then cameras by who came first). Its size, and so every offer's and answer's,
 * depends on that and never on the meeting's size. It tells each participant whose each stream is.
 */
export class Subscriptions {
  readonly audio: AudioSlots;

  constructor(
    private readonly meetingId: string,
    /** Who publishes each Janus feed, kept by the room. */
    private readonly byFeed: ReadonlyMap<number, Participant>,
    private readonly logger: MediaLogger,
    /** A subscription's streams changed (what the room's continuity keeps). */
    private readonly changed: () => void = () => undefined,
    audioSlots?: number,
  ) {
    this.audio = new AudioSlots(audioSlots);
  }

  /**
   * Brings every subscription in line with what is published now, or only `only`'s (its view
   * changed: nobody else's can have).
   */
  refresh(participants: Iterable<Participant>, room: VideoRoom, only?: Participant): void {
    const everyone = [...participants];
    const sources: Source[] = [];
    for (const owner of everyone) {
      const publisher = owner.publisher;
      if (!publisher?.active) continue;
      const published = new Set(publisher.streams.map((s) => s.mid));
      for (const [source, track] of owner.tracks) {
        if (published.has(track.mid) && shown(source, track)) {
          const kind = source === 'microphone' ? 'audio' : source;
          const type = kind === 'audio' ? 'audio' : 'video';
          const { mid, muted } = track;
          sources.push({ owner, participantId: owner.id, feed: publisher.feedId, mid, kind, type, muted });
        }
      }
    }
    const byKey = new Map(sources.map((s) => [`${s.owner.id}/${s.kind}`, s]));
    const live = new Set(sources.map((s) => s.feed));
    for (const p of only ? [only] : everyone) {
      const wanted = this.wanted(p, sources, byKey);
      if (!p.subscriber) {
        if (wanted.length === 0) continue;
        p.subscriber = this.create(p, room);
      }
      p.subscriber.setStreams(wanted, live);
    }
  }

  /**
   * What the participant's client shows now (`setView`): kept as given, the room then subscribes to
   * it. Each video once; entries naming itself or nobody here are dropped. False when nothing changed.
   */
  setView(
    p: Participant,
    entries: readonly ViewEntry[],
    participants: ReadonlyMap<string, Participant>,
  ): boolean {
    const seen = new Set<string>();
    for (const [i, e] of entries.entries()) {
      const key = `${e.participantId}/${e.source}`;
      if (seen.has(key)) {
        throw new AppError(400, 'validation_failed', `video: ${key} is listed twice`, `video.${i}`);
      }
      seen.add(key);
    }
    const view = entries.filter((e) => e.participantId !== p.id && participants.has(e.participantId));
    // The same videos in another order (a tile remounted) receive nothing new.
    if (viewKey(view) === viewKey(p.view)) return false;
    p.view = view;
    return true;
  }

  /** The streams `p` receives out of everything published. */
  private wanted(
    p: Participant,
    sources: readonly Source[],
    byKey: ReadonlyMap<string, Source>,
  ): StreamSource[] {
    const others = sources.filter((s) => s.owner !== p);
    const microphones = others.filter((s) => s.kind === 'audio');
    // A recording has every voice in it, beyond the slots a person hears (REC-START).
    const audio = p.principal.kind === 'egress' ? microphones : this.audio.choose(microphones);
    if (p.videoSubscription === 'chosen') {
      const video = p.view.flatMap((e) => {
        const s = byKey.get(`${e.participantId}/${e.source}`);
        return s ? [{ ...s, ...(e.substream !== undefined && { substream: e.substream }) }] : [];
      });
      return [...audio, ...video].map(streamSource);
    }
    const screens = others.filter((s) => s.kind === 'screen');
    const cameras = others.filter((s) => s.kind === 'camera');
    return [...audio, ...[...screens, ...cameras].slice(0, MAX_VIEW_VIDEO)].map(streamSource);
  }

  /** A subscription another node made, taken over with its room (see RoomContinuity). */
  adopt(p: Participant, room: VideoRoom, state: SubscriberState): Subscriber {
    return this.listen(p, room.adoptSubscriber({ opaqueId: p.id }, state));
  }

  /** Sends the participant again the offer it had not answered when its room was taken over. */
  offerAgain(p: Participant): void {
    const subscriber = p.subscriber;
    const sdp = subscriber?.pendingOffer;
    if (subscriber && sdp) {
      p.sink.send({ type: 'subscriptionOffer', sdp, streams: this.describe(subscriber.streams) });
    }
  }

  private create(p: Participant, room: VideoRoom): Subscriber {
    return this.listen(p, room.createSubscriber({ opaqueId: p.id }));
  }

  private listen(p: Participant, subscriber: Subscriber): Subscriber {
    subscriber.on('offer', (offer) => {
      this.changed();
      if (p.left || p.subscriber !== subscriber) return;
      p.sink.send({ type: 'subscriptionOffer', sdp: offer.sdp, streams: this.describe(offer.streams) });
    });
    subscriber.on('switched', (streams) => {
      this.changed();
      if (p.left || p.subscriber !== subscriber) return;
      p.sink.send({ type: 'streamsSwitched', streams: this.describe(streams) });
    });
    subscriber.on('trickle', (candidate) => {
      if (!p.left && p.subscriber === subscriber) {
        p.sink.send({
          type: 'trickle',
          target: 'subscriber',
          candidate: candidate && copyCandidate(candidate),
        });
      }
    });
    subscriber.on('error', (err) => {
      this.logger.warn(
        { meetingId: this.meetingId, participantId: p.id, err: err.message },
        'subscription update failed',
      );
      // The client is told, so that a stage left without someone's media says why (a feed that went
      // away meanwhile is retried without it, and a client that does not answer hears nothing).
      if (p.left || p.subscriber !== subscriber) return;
      if (isJanusError(err, 'plugin', VideoRoomErrorCode.noSuchFeed) || isJanusError(err, 'timeout')) return;
      p.sink.send({
        type: 'error',
        code: 'media_error',
        message: 'The media server could not send you some of the meeting’s media',
      });
    });
    subscriber.on('closed', () => {
      if (p.subscriber === subscriber) p.subscriber = null;
    });
    return subscriber;
  }

  /** Names the participant and source behind each subscribed stream. */
  private describe(streams: readonly SubscribedStream[]): StreamInfo[] {
    const out: StreamInfo[] = [];
    for (const s of streams) {
      if (s.type === 'data') continue;
      const owner = this.byFeed.get(s.feed);
      const source = owner?.sourceForMid(s.feedMid);
      if (!owner || !source) continue;
      out.push({ mid: s.mid, participantId: owner.id, source, kind: s.type });
    }
    return out;
  }
}

const streamSource = ({ feed, mid, type, substream }: StreamSource): StreamSource => ({
  feed,
  mid,
  ...(type !== undefined && { type }),
  ...(substream !== undefined && { substream }),
});
