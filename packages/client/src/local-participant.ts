import type { TrackSource } from '@conclave/protocol';
import { audioProcessing, createLocalTrack, type CaptureSource } from './devices';
import { ConclaveError, MediaDeviceError, toConclaveError } from './errors';
import { Participant, type ParticipantIdentity } from './participant';
import { LocalTrackPublication } from './publication';
import { captureScreen } from './screen-capture';
import { SerialQueue } from './serial';

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
  setIdentity(info: ParticipantIdentity): void {
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
