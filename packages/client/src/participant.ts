import type { ParticipantInfo, TrackSource } from '@conclave/protocol';
import type { ConnectionQuality } from './connection-quality';
import { audioProcessing, createLocalTrack, type CaptureSource } from './devices';
import { ConclaveError, MediaDeviceError, toConclaveError } from './errors';
import { LocalTrackPublication, RemoteTrackPublication, type TrackPublication } from './publication';
import { captureScreen } from './screen-capture';
import { SerialQueue } from './serial';

export type ParticipantKind = 'user' | 'guest';

type Identity = Pick<
  ParticipantInfo,
  'id' | 'displayName' | 'kind' | 'joinedAt' | 'moderator' | 'handRaisedAt'
>;

/** Someone in the meeting: this client (LocalParticipant) or another one (RemoteParticipant). */
export abstract class Participant {
  protected _id: string;
  protected _displayName: string;
  protected _kind: ParticipantKind;
  protected _joinedAt: string;
  protected _moderator: boolean;
  private _quality: ConnectionQuality = 'unknown';
  protected _handRaisedAt: string | null;
  private _speaking = false;

  constructor(info: Identity) {
    this._id = info.id;
    this._displayName = info.displayName;
    this._kind = info.kind;
    this._joinedAt = info.joinedAt;
    this._moderator = info.moderator;
    this._handRaisedAt = info.handRaisedAt ?? null;
  }

  get id(): string {
    return this._id;
  }
  get displayName(): string {
    return this._displayName;
  }
  /** A signed-in user or a guest who joined by link. */
  get kind(): ParticipantKind {
    return this._kind;
  }
  get joinedAt(): string {
    return this._joinedAt;
  }
  /** Admits, mutes and removes others (the owner, Superusers, Administrators, and whom they promote). */
  get isModerator(): boolean {
    return this._moderator;
  }

  /** How well this participant's media gets through (MEET-QUALITY); see `connectionQualityChanged`. */
  get connectionQuality(): ConnectionQuality {
    return this._quality;
  }

  /** @internal True when it changed. */
  setConnectionQuality(quality: ConnectionQuality): boolean {
    if (quality === this._quality) return false;
    this._quality = quality;
    return true;
  }

  /** When they raised their hand (ISO time), or null while it is down; hands are answered in this order. */
  get handRaisedAt(): string | null {
    return this._handRaisedAt;
  }

  get isHandRaised(): boolean {
    return this._handRaisedAt !== null;
  }

  /** The media server hears them speak now (`room.activeSpeakers`); never while their microphone is muted. */
  get isSpeaking(): boolean {
    return this._speaking;
  }

  /** @internal Set by the room from the server's active-speaker list. */
  setSpeaking(speaking: boolean): void {
    this._speaking = speaking;
  }

  abstract get isLocal(): boolean;
  abstract getPublication(source: TrackSource): TrackPublication | undefined;

  /** Publications by source; a source that is not published has none. */
  get trackPublications(): TrackPublication[] {
    return (['microphone', 'camera', 'screen'] as const)
      .map((s) => this.getPublication(s))
      .filter((p): p is TrackPublication => p !== undefined);
  }

  get isMicrophoneEnabled(): boolean {
    const p = this.getPublication('microphone');
    return p !== undefined && !p.muted;
  }

  get isCameraEnabled(): boolean {
    const p = this.getPublication('camera');
    return p !== undefined && !p.muted;
  }

  /** Shares a screen, window or tab now (MEET-SHARE). */
  get isScreenShareEnabled(): boolean {
    const p = this.getPublication('screen');
    return p !== undefined && !p.muted;
  }
}

/** What changed when a roster entry was applied to a remote participant. */
export interface RemoteUpdate {
  muted: RemoteTrackPublication[];
  unmuted: RemoteTrackPublication[];
  /** Publications that are gone; they may still hold a track that must be unsubscribed. */
  unpublished: RemoteTrackPublication[];
  changed: boolean;
}

export class RemoteParticipant extends Participant {
  private readonly publications = new Map<TrackSource, RemoteTrackPublication>();

  constructor(info: ParticipantInfo) {
    super(info);
    this.update(info);
  }

  get isLocal(): false {
    return false;
  }

  getPublication(source: TrackSource): RemoteTrackPublication | undefined {
    return this.publications.get(source);
  }

  override get trackPublications(): RemoteTrackPublication[] {
    return super.trackPublications as RemoteTrackPublication[];
  }

  /** @internal Ensures a publication exists for a stream the server forwards (the roster may lag). */
  ensurePublication(source: TrackSource): RemoteTrackPublication {
    let publication = this.publications.get(source);
    if (!publication) {
      publication = new RemoteTrackPublication(source, false);
      this.publications.set(source, publication);
    }
    return publication;
  }

  /** @internal Applies a roster entry and reports what changed. */
  update(info: ParticipantInfo): RemoteUpdate {
    const result: RemoteUpdate = { muted: [], unmuted: [], unpublished: [], changed: false };
    const handRaisedAt = info.handRaisedAt ?? null;
    if (
      info.displayName !== this._displayName ||
      info.moderator !== this._moderator ||
      handRaisedAt !== this._handRaisedAt
    ) {
      this._displayName = info.displayName;
      this._moderator = info.moderator;
      this._handRaisedAt = handRaisedAt;
      result.changed = true;
    }
    const listed = new Set<TrackSource>();
    for (const t of info.tracks) {
      listed.add(t.source);
      const existing = this.publications.get(t.source);
      if (!existing) {
        this.publications.set(t.source, new RemoteTrackPublication(t.source, t.muted));
        result.changed = true;
      } else if (existing.setMuted(t.muted)) {
        (t.muted ? result.muted : result.unmuted).push(existing);
        result.changed = true;
      }
    }
    for (const [source, publication] of this.publications) {
      if (listed.has(source)) continue;
      this.publications.delete(source);
      result.unpublished.push(publication);
      result.changed = true;
    }
    return result;
  }
}

/** How the local participant reaches the meeting while the room is in it: the room's current session. */
export interface LocalMediaLink {
  /**
   * Starts sending; a null camera or microphone sends nothing yet (its media section is there for
   * later); a null screen has no section until it is shared.
   */
  publish(tracks: Record<TrackSource, MediaStreamTrack | null>): Promise<void>;
  /** Swaps what a source sends (a screen's first share adds its media section); null sends nothing. */
  replaceTrack(source: TrackSource, track: MediaStreamTrack | null): Promise<void>;
  /** Tells the server (and so everyone) that a source is muted or unmuted. */
  sendMute(source: TrackSource, muted: boolean): Promise<void>;
}

/** What the local participant reports to its room. */
export interface LocalParticipantObserver {
  onTrackChanged(publication: LocalTrackPublication): void;
  onMuteChanged(publication: LocalTrackPublication): void;
  onError(error: ConclaveError): void;
}

/** How a source starts when connecting. */
export interface LocalSourceOptions {
  /** Default true. */
  enabled?: boolean;
  deviceId?: string;
  /** An already open track (e.g. from the preview); the room takes it over and stops it when done. */
  track?: MediaStreamTrack;
}

/**
 * This client in the meeting. It owns the camera and microphone tracks; while the room is in the
 * meeting, the room's session is its link there. Device operations run one at a time, in the order
 * they were asked for.
 */
export class LocalParticipant extends Participant {
  private readonly publications = new Map<TrackSource, LocalTrackPublication>([
    ['microphone', new LocalTrackPublication('microphone', true)],
    ['camera', new LocalTrackPublication('camera', true)],
    ['screen', new LocalTrackPublication('screen', true)],
  ]);
  private readonly ops = new SerialQueue();
  private link: LocalMediaLink | null = null;
  /** Sources a moderator muted without allowing this participant to unmute them. */
  private readonly locks = new Set<TrackSource>();
  private _noiseSuppression = true;

  constructor(private readonly observer: LocalParticipantObserver) {
    super({ id: '', displayName: '', kind: 'guest', joinedAt: '', moderator: false });
  }

  /** False while a moderator keeps `source` muted (MEET-MOD-MUTE): turning it on is refused. */
  canUnmute(source: TrackSource): boolean {
    return !this.locks.has(source);
  }

  get isLocal(): true {
    return true;
  }

  getPublication(source: TrackSource): LocalTrackPublication | undefined {
    return this.publications.get(source);
  }

  override get trackPublications(): LocalTrackPublication[] {
    return super.trackPublications as LocalTrackPublication[];
  }

  /** Whether the browser suppresses noise on the microphone (on by default). */
  get noiseSuppression(): boolean {
    return this._noiseSuppression;
  }

  /**
   * Turns the microphone's noise suppression on or off: for the open microphone now and for every one
   * opened later. Where the browser cannot change it on a live track (Chromium sets up audio
   * processing when the device opens), the microphone is opened again with it, as a device switch does.
   */
  async setNoiseSuppression(enabled: boolean): Promise<void> {
    this._noiseSuppression = enabled;
    const track = this.pub('microphone').track;
    if (track?.readyState !== 'live') return;
    await track
      .applyConstraints({ ...track.getConstraints(), ...audioProcessing(enabled) })
      .catch(() => undefined);
    const settings = track.getSettings();
    if (settings.noiseSuppression === undefined || settings.noiseSuppression === enabled) return;
    await this.ops.run(async () => {
      const publication = this.pub('microphone');
      if (publication.track !== track || publication.muted) return;
      // One set of audio processing per open device: the old track goes first, then the new one opens.
      track.stop();
      const reopened = await createLocalTrack('microphone', {
        ...((settings.deviceId ?? publication.deviceId) !== undefined && {
          deviceId: settings.deviceId ?? publication.deviceId,
        }),
        noiseSuppression: this._noiseSuppression,
      });
      await this.link?.replaceTrack('microphone', reopened);
      this.adopt('microphone', reopened);
    });
  }

  /** The local camera track for a self view, while the camera is on. */
  get cameraTrack(): MediaStreamTrack | null {
    return this.pub('camera').track;
  }

  get microphoneTrack(): MediaStreamTrack | null {
    return this.pub('microphone').track;
  }

  /** Turns the microphone on or off for everyone; resolves once the change is in effect. */
  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.ops.run(() => this.setEnabled('microphone', enabled));
  }

  /** Turns the camera on or off; off also releases the device so its light goes out. */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.ops.run(() => this.setEnabled('camera', enabled));
  }

  /**
   * Shares a screen, window or tab (the browser asks which), or stops sharing (MEET-SHARE). Sharing
   * also stops when the browser's own "Stop sharing" ends the capture.
   */
  setScreenShareEnabled(enabled: boolean): Promise<void> {
    return this.ops.run(() => this.setEnabled('screen', enabled));
  }

  /** The shared screen's track while sharing, for a self view. */
  get screenShareTrack(): MediaStreamTrack | null {
    return this.pub('screen').track;
  }

  /** Switches a source to another device; takes effect immediately when the source is on. */
  switchDevice(source: CaptureSource, deviceId: string): Promise<void> {
    return this.ops.run(async () => {
      const publication = this.pub(source);
      publication.deviceId = deviceId;
      const old = publication.track;
      if (publication.muted) {
        // Opened again from the new device on the next unmute.
        if (old) this.release(source);
        return;
      }
      const track = await createLocalTrack(source, { deviceId, noiseSuppression: this._noiseSuppression });
      await this.link?.replaceTrack(source, track);
      this.adopt(source, track);
      old?.stop();
    });
  }

  /** @internal Identity as the server knows it. */
  setIdentity(info: Identity): void {
    this._id = info.id;
    this._displayName = info.displayName;
    this._kind = info.kind;
    this._joinedAt = info.joinedAt;
    this._moderator = info.moderator;
    this._handRaisedAt = info.handRaisedAt ?? null;
  }

  /** @internal A moderator muted `source` (the server already stopped forwarding it); it goes off here too. */
  mutedByModerator(source: TrackSource, canUnmute: boolean): Promise<void> {
    if (canUnmute) this.locks.delete(source);
    else this.locks.add(source);
    return this.ops.run(async () => {
      if (!this.pub(source).muted) await this.setEnabled(source, false);
    });
  }

  /** @internal A moderator lets this participant unmute `source` again. */
  unmuteAllowed(source: TrackSource): void {
    this.locks.delete(source);
  }

  /** @internal The room left the meeting: what moderators decided there no longer holds. */
  forgetModeration(): void {
    this.locks.clear();
  }

  /** @internal Opens the sources that should start on; a source that fails starts off (the error is reported). */
  prepare(options: Record<CaptureSource, LocalSourceOptions>): Promise<void> {
    return this.ops.run(async () => {
      await Promise.all(
        (['microphone', 'camera'] as const).map(async (source) => {
          const o = options[source];
          const publication = this.pub(source);
          if (o.deviceId !== undefined) publication.deviceId = o.deviceId;
          const enabled = o.enabled ?? true;
          if (o.track && o.track.readyState === 'live') {
            this.adopt(source, o.track);
            o.track.enabled = enabled;
            if (!enabled && source === 'camera') this.release(source);
          } else if (enabled && !publication.track) {
            try {
              this.adopt(
                source,
                await createLocalTrack(source, {
                  deviceId: publication.deviceId,
                  noiseSuppression: this._noiseSuppression,
                }),
              );
            } catch (err) {
              this.observer.onError(
                toConclaveError(err, 'device_unavailable', `Could not start the ${source}`),
              );
              return;
            }
          }
          if (publication.setMuted(!enabled || !publication.track)) this.observer.onMuteChanged(publication);
        }),
      );
    });
  }

  /**
   * @internal Publishes through `link` exclusively (no device change can interleave), then keeps it
   * for later changes. Sources that start off are announced first.
   */
  attach(link: LocalMediaLink): Promise<void> {
    return this.ops.run(async () => {
      const sending = (source: TrackSource) => {
        const p = this.pub(source);
        return p.muted ? null : p.track;
      };
      // Sources that start off are announced before publishing, so nobody ever sees them as on. A
      // screen that is not shared has no media section to see.
      const muted = [...this.publications.values()]
        .filter((p) => p.muted && p.source !== 'screen')
        .map((p) => link.sendMute(p.source, true).catch((err: unknown) => this.reportLinkError(err)));
      await link.publish({
        microphone: sending('microphone'),
        camera: sending('camera'),
        screen: sending('screen'),
      });
      this.link = link;
      await Promise.all(muted);
    });
  }

  /** @internal The room lost (or closed) its session. */
  detach(): void {
    this.link = null;
  }

  /** @internal Stops every device; used when the room disconnects. */
  releaseAll(): void {
    this.link = null;
    for (const source of this.publications.keys()) this.release(source);
  }

  private async setEnabled(source: TrackSource, enabled: boolean): Promise<void> {
    const publication = this.pub(source);
    if (enabled && this.locks.has(source)) {
      throw new ConclaveError('muted_by_moderator', 'A moderator muted you; they have to let you unmute');
    }
    if (enabled) {
      let track = publication.track;
      if (!track || track.readyState === 'ended') {
        track =
          source === 'screen'
            ? await captureScreen()
            : await createLocalTrack(source, {
                deviceId: publication.deviceId,
                noiseSuppression: this._noiseSuppression,
              });
        this.adopt(source, track);
      }
      track.enabled = true;
      await this.link?.replaceTrack(source, track);
      if (publication.setMuted(false)) this.observer.onMuteChanged(publication);
      await this.link?.sendMute(source, false).catch((err: unknown) => this.reportLinkError(err));
    } else {
      await this.link?.replaceTrack(source, null);
      // The microphone stays open (silent) so unmuting is instant; the camera and screen are released.
      if (source !== 'microphone') this.release(source);
      else if (publication.track) publication.track.enabled = false;
      if (publication.setMuted(true)) this.observer.onMuteChanged(publication);
      await this.link?.sendMute(source, true).catch((err: unknown) => this.reportLinkError(err));
    }
  }

  private adopt(source: TrackSource, track: MediaStreamTrack): void {
    const publication = this.pub(source);
    publication.setTrack(track);
    track.addEventListener('ended', () => {
      // The device went away (unplugged, or revoked by the system): turn the source off.
      if (publication.track !== track) return;
      void this.ops.run(async () => {
        if (publication.track !== track) return;
        // A share ends this way when the person stops it from the browser's own bar: no error.
        if (source !== 'screen') {
          this.observer.onError(
            new MediaDeviceError('device_unavailable', source, `The ${source} stopped working`),
          );
        }
        await this.setEnabled(source, false).catch(() => undefined);
      });
    });
    this.observer.onTrackChanged(publication);
  }

  private release(source: TrackSource): void {
    const publication = this.pub(source);
    const track = publication.track;
    if (!track) return;
    publication.setTrack(null);
    track.stop();
    this.observer.onTrackChanged(publication);
  }

  private reportLinkError(err: unknown): void {
    this.observer.onError(
      toConclaveError(err, 'connection_closed', 'Could not tell the meeting about the change'),
    );
  }

  private pub(source: TrackSource): LocalTrackPublication {
    return this.publications.get(source) as LocalTrackPublication;
  }
}
