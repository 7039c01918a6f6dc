import {
  classifyQuality,
  ReceiveQuality,
  SendQuality,
  type ConnectionQuality,
  type RtpStatsLike,
  type StreamOwner,
} from './connection-quality';
import { BandwidthCeiling, LayerControl, type LayerRequest } from './layer-control';
import { roomPath, samePath, selectedPath, type MediaPath, type PathStatsLike } from './media-path';
import type { Participant } from './participant';
import type { RemoteTrackPublication } from './publication';

/** How often the connections' stats are read for quality and bandwidth. */
const QUALITY_INTERVAL_MS = 2000;

/** One connection's stats entries, as far as they are read here. */
export type ConnectionStats = (RtpStatsLike & PathStatsLike)[];

/** What the monitor needs of the room. */
export interface MediaQualityHost {
  /** The current session's stats, null while there is none. */
  stats(): Promise<{
    received: { reports: ConnectionStats; streams: StreamOwner[] } | null;
    sent: ConnectionStats | null;
  } | null>;
  sendLayers(layers: LayerRequest[]): Promise<void>;
  local(): Participant;
  remotes(): Iterable<Participant>;
  qualityChanged(participant: Participant, quality: ConnectionQuality): void;
  pathChanged(path: MediaPath | null): void;
}

/**
 * The room's media quality (MEET-QUALITY): which simulcast layer of each received camera to ask
 * for (tile size, then bandwidth), and each participant's connection quality, from the stats of
 * both connections read every two seconds while in the meeting; and the path they take (NET-TURN).
 */
export class MediaQuality {
  private readonly layers: LayerControl;
  private readonly ceiling = new BandwidthCeiling();
  private received = new ReceiveQuality();
  private sent = new SendQuality();
  /** Received cameras and their subscriber mid (a publication forgets its mid when unsubscribed). */
  private readonly cameras = new Map<RemoteTrackPublication, string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private reading = false;
  private _path: MediaPath | null = null;

  constructor(private readonly host: MediaQualityHost) {
    this.layers = new LayerControl({ send: (layers) => host.sendLayers(layers) });
  }

  /** Directly or through a relay, and over what; null while unknown (no connection selected a route yet). */
  get path(): MediaPath | null {
    return this._path;
  }

  /** A remote track is received: cameras follow the layer their tile asks for. */
  subscribed(publication: RemoteTrackPublication): void {
    if (publication.source !== 'camera' || publication.mid === null) return;
    const mid = publication.mid;
    this.cameras.set(publication, mid);
    publication.onLayerWish = () => {
      if (this.cameras.get(publication) === mid) this.layers.want(mid, publication.videoQuality);
    };
    this.layers.want(mid, publication.videoQuality);
  }

  unsubscribed(publication: RemoteTrackPublication): void {
    const mid = this.cameras.get(publication);
    if (mid === undefined) return;
    this.cameras.delete(publication);
    publication.onLayerWish = null;
    this.layers.forget(mid);
  }

  /** In the meeting with a new session: its subscription has asked for nothing yet. */
  start(): void {
    this.stop();
    this.received = new ReceiveQuality();
    this.sent = new SendQuality();
    this.timer = setInterval(() => void this.read(), QUALITY_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Left the meeting: nothing received any more. */
  reset(): void {
    this.stop();
    this.setPath(null);
    this.layers.reset();
    for (const publication of this.cameras.keys()) publication.onLayerWish = null;
    this.cameras.clear();
  }

  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const stats = await this.host.stats();
      if (!stats) return;
      this.setPath(
        roomPath([
          stats.sent && selectedPath(stats.sent),
          stats.received && selectedPath(stats.received.reports),
        ]),
      );
      if (stats.received) {
        const sample = this.received.sample(stats.received.reports, stats.received.streams);
        for (const p of this.host.remotes()) {
          const link = sample.byParticipant.get(p.id);
          let quality = link ? classifyQuality(link) : 'unknown';
          // Received before, nothing in this interval, though something of theirs is on: lost.
          if (link && quality === 'unknown' && sendsMedia(p)) quality = 'lost';
          this.judge(p, quality);
        }
        const { ceiling, starved } = this.ceiling.update(sample, (q) => this.layers.cost(q));
        this.layers.setCeiling(ceiling, starved);
      }
      if (stats.sent) this.judge(this.host.local(), classifyQuality(this.sent.sample(stats.sent)));
    } catch {
      // Stats of a connection closing under us: the next interval reads the new one.
    } finally {
      this.reading = false;
    }
  }

  private setPath(path: MediaPath | null): void {
    if (samePath(path, this._path)) return;
    this._path = path;
    this.host.pathChanged(path);
  }

  private judge(participant: Participant, quality: ConnectionQuality): void {
    if (participant.setConnectionQuality(quality)) this.host.qualityChanged(participant, quality);
  }
}

function sendsMedia(p: Participant): boolean {
  return p.trackPublications.some((publication) => !publication.muted && publication.track !== null);
}
