import { MAX_VIEW_VIDEO, type StreamInfo, type ViewEntry } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MediaLogger } from '../media/logger';
import type { StreamSource, SubscribedStream, Subscriber, SubscriberState } from '../media/subscriber';
import type { VideoRoom } from '../media/videoroom';
import { copyCandidate } from './candidates';
import { shown, type Participant } from './participant';

/** A track someone publishes, as subscriptions pick from them. */
interface Source extends StreamSource {
  owner: Participant;
  kind: 'audio' | 'camera' | 'screen';
}

/**
 * Keeps each participant's one multistream subscription in line with who publishes and what it
 * shows (MEET-QUALITY): every other participant's audio, and the videos its view names (`chosen`) or
 * else the first MAX_VIEW_VIDEO (screens first, then cameras by who came first). It tells each
 * participant whose each stream is.
 */
export class Subscriptions {
  constructor(
    private readonly meetingId: string,
    /** Who publishes each Janus feed, kept by the room. */
    private readonly byFeed: ReadonlyMap<number, Participant>,
    private readonly logger: MediaLogger,
    /** A subscription's streams changed (what the room's continuity keeps). */
    private readonly changed: () => void = () => undefined,
  ) {}

  refresh(participants: Iterable<Participant>, room: VideoRoom): void {
    const everyone = [...participants];
    const sources: Source[] = [];
    for (const owner of everyone) {
      const publisher = owner.publisher;
      if (!publisher?.active) continue;
      const published = new Set(publisher.streams.map((s) => s.mid));
      for (const [source, track] of owner.tracks) {
        if (published.has(track.mid) && shown(source, track)) {
          const kind = source === 'microphone' ? 'audio' : source;
          sources.push({ owner, feed: publisher.feedId, mid: track.mid, kind });
        }
      }
    }
    const byKey = new Map(sources.map((s) => [`${s.owner.id}/${s.kind}`, s]));
    for (const p of everyone) {
      const wanted = this.wanted(p, sources, byKey).map(({ feed, mid }) => ({ feed, mid }));
      if (!p.subscriber) {
        if (wanted.length === 0) continue;
        p.subscriber = this.create(p, room);
      }
      p.subscriber.setStreams(wanted);
    }
  }

  /**
   * What the participant's client shows now (`setView`): kept as given, the room then subscribes to
   * it. Each video once; entries naming itself or nobody here are dropped.
   */
  setView(
    p: Participant,
    entries: readonly ViewEntry[],
    participants: ReadonlyMap<string, Participant>,
  ): void {
    const seen = new Set<string>();
    for (const [i, e] of entries.entries()) {
      const key = `${e.participantId}/${e.source}`;
      if (seen.has(key)) {
        throw new AppError(400, 'validation_failed', `video: ${key} is listed twice`, `video.${i}`);
      }
      seen.add(key);
    }
    p.view = entries.filter((e) => e.participantId !== p.id && participants.has(e.participantId));
  }

  /** The streams `p` receives out of everything published. */
  private wanted(p: Participant, sources: readonly Source[], byKey: ReadonlyMap<string, Source>): Source[] {
    const others = sources.filter((s) => s.owner !== p);
    const audio = others.filter((s) => s.kind === 'audio');
    if (p.videoSubscription === 'chosen') {
      const video = p.view.flatMap((e) => byKey.get(`${e.participantId}/${e.source}`) ?? []);
      return [...audio, ...video];
    }
    const screens = others.filter((s) => s.kind === 'screen');
    const cameras = others.filter((s) => s.kind === 'camera');
    return [...audio, ...[...screens, ...cameras].slice(0, MAX_VIEW_VIDEO)];
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
