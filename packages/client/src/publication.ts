import type { TrackSource } from '@conclave/protocol';
import { qualityForSize, type VideoQuality } from './simulcast';

export type TrackKind = 'audio' | 'video';

export const SOURCE_KIND: Record<TrackSource, TrackKind> = {
  microphone: 'audio',
  camera: 'video',
  screen: 'video',
};

/** One source (microphone, camera or shared screen) of a participant, and the media track when there is one. */
export class TrackPublication {
  readonly source: TrackSource;
  readonly kind: TrackKind;
  protected _muted: boolean;
  protected _track: MediaStreamTrack | null = null;

  constructor(source: TrackSource, muted: boolean) {
    this.source = source;
    this.kind = SOURCE_KIND[source];
    this._muted = muted;
  }

  /** Muted by its owner: nothing is sent or forwarded for it. */
  get muted(): boolean {
    return this._muted;
  }

  /** The local capture track, or the received remote track while subscribed; null otherwise. */
  get track(): MediaStreamTrack | null {
    return this._track;
  }

  /** @internal */
  setMuted(muted: boolean): boolean {
    if (this._muted === muted) return false;
    this._muted = muted;
    return true;
  }

  /** @internal */
  setTrack(track: MediaStreamTrack | null): void {
    this._track = track;
  }
}

export class LocalTrackPublication extends TrackPublication {
  /** The device chosen for this source, if any (the browser default otherwise). */
  deviceId: string | undefined;
}

let wishes = 0;
const nextWish = () => ++wishes;

export class RemoteTrackPublication extends TrackPublication {
  /** True while the track's media reaches this client through the subscriber connection. */
  get isSubscribed(): boolean {
    return this._track !== null;
  }

  /** Media section of the subscriber connection carrying this track, while subscribed. */
  mid: string | null = null;
  private wanted: VideoQuality | null = null;
  /** When the app last asked for this video (0: it does not want it); orders the room's view. */
  private wishedAt = 0;
  /** @internal Told when the wanted layer changes (the room's layer control). */
  onLayerWish: (() => void) | null = null;
  /** @internal Told when the app starts or stops wanting this video (the room's view). */
  onSubscriptionWish: (() => void) | null = null;

  /** The app wants this video received (`setSubscribed`); what the room's view is made of. */
  get isDesired(): boolean {
    return this.wishedAt > 0;
  }

  /** @internal Orders the videos the app wants: the earliest asked for first. */
  get desiredSince(): number {
    return this.wishedAt;
  }

  /**
   * With `autoSubscribe: false` (MEET-QUALITY): whether this client shows this video now, so the room
   * receives it, or not (then the media server stops sending it). The room tells the server the
   * whole set at once, debounced; at most MAX_VIEW_VIDEO videos are received, the earliest asked
   * for first. Audio is the server's choice and ignores this.
   */
  setSubscribed(subscribed: boolean): void {
    if (this.kind !== 'video' || subscribed === this.isDesired) return;
    this.wishedAt = subscribed ? nextWish() : 0;
    this.onSubscriptionWish?.();
  }

  /**
   * The simulcast layer this client asks for (MEET-QUALITY); null while nobody said (then the room
   * decides: the full layer for a few cameras, the half one beyond). The bandwidth may hold it lower.
   */
  get videoQuality(): VideoQuality | null {
    return this.wanted;
  }

  /**
   * Tells the room how big this camera is shown (CSS pixels), so that it receives the layer that
   * fills it and no more. Changes are debounced; only cameras are sent in layers.
   */
  setVideoDimensions(dimensions: { width: number; height: number }, pixelRatio = 1): void {
    this.setVideoQuality(qualityForSize(dimensions.width, dimensions.height, pixelRatio));
  }

  /** Asks for a layer directly (`low` a quarter of the size, `medium` half, `high` full). */
  setVideoQuality(quality: VideoQuality): void {
    if (this.kind !== 'video' || this.wanted === quality) return;
    this.wanted = quality;
    this.onLayerWish?.();
  }
}
