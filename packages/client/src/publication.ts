import type { TrackSource } from '@conclave/protocol';

export type TrackKind = 'audio' | 'video';

export const SOURCE_KIND: Record<TrackSource, TrackKind> = { microphone: 'audio', camera: 'video' };

/** One source (microphone or camera) of a participant, and the media track when there is one. */
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

export class RemoteTrackPublication extends TrackPublication {
  /** True while the track's media reaches this client through the subscriber connection. */
  get isSubscribed(): boolean {
    return this._track !== null;
  }

  /** Media section of the subscriber connection carrying this track, while subscribed. */
  mid: string | null = null;
}
