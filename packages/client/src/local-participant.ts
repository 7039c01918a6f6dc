import type { TrackSource } from '@conclave/protocol';
import { audioProcessing, createLocalTrack, type CaptureSource } from './devices';
import { EffectUnavailableError, type TrackProcessor } from './effects/processor';
import { ConclaveError, EffectError, MediaDeviceError, toConclaveError } from './errors';
import { Participant, type ParticipantIdentity } from './participant';
import { LocalTrackPublication, SOURCE_KIND } from './publication';
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
  /** The device tracks, when a processor sends something else in their place (the publication's track). */
  private readonly inputs = new Map<CaptureSource, MediaStreamTrack>();
  private readonly processors = new Map<CaptureSource, TrackProcessor>();
  /** Tracks whose end (device unplugged) is being listened for. */
  private readonly watched = new WeakSet<MediaStreamTrack>();

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
    const track = this.device('microphone');
    if (track?.readyState !== 'live') return;
    await track
      .applyConstraints({ ...track.getConstraints(), ...audioProcessing(enabled) })
      .catch(() => undefined);
    const settings = track.getSettings();
    if (settings.noiseSuppression === undefined || settings.noiseSuppression === enabled) return;
    await this.ops.run(async () => {
      const publication = this.pub('microphone');
      if (this.device('microphone') !== track || publication.muted) return;
      // One set of audio processing per open device: the old track goes first, then the new one opens.
      const old = publication.track;
      track.stop();
      const reopened = await createLocalTrack('microphone', {
        ...((settings.deviceId ?? publication.deviceId) !== undefined && {
          deviceId: settings.deviceId ?? publication.deviceId,
        }),
        noiseSuppression: this._noiseSuppression,
      });
      const sent = await this.adopt('microphone', reopened);
      await this.link?.replaceTrack('microphone', sent);
      this.retire(old, sent);
    });
  }

  /** The processor on `source`, if one is set (`setProcessor`). */
  getProcessor(source: CaptureSource): TrackProcessor | null {
    return this.processors.get(source) ?? null;
  }

  /**
   * Runs an effect (background blur, noise suppression…) on a source's device track and sends what
   * it makes instead, from now on: through device switches and turning the source off and on, until
   * another processor or null (the plain device) is set. Under E2EE the Codeword is drawn into what
   * it makes. Where the processor cannot run (EffectUnavailableError), the plain track is sent, the
   * processor is dropped and the room reports an `effect_unavailable` error; so also when it stops
   * later (its track ends while the device still runs).
   */
  setProcessor(source: CaptureSource, processor: TrackProcessor | null): Promise<void> {
    if (processor && processor.kind !== SOURCE_KIND[source]) {
      return Promise.reject(new TypeError(`A ${processor.kind} processor cannot process the ${source}`));
    }
    return this.ops.run(async () => {
      const previous = this.processors.get(source) ?? null;
      if (previous === processor) return;
      if (processor) this.processors.set(source, processor);
      else this.processors.delete(source);
      const publication = this.pub(source);
      const device = this.device(source);
      if (device?.readyState === 'live') {
        const old = publication.track;
        const sent = await this.adopt(source, device);
        if (!publication.muted) await this.link?.replaceTrack(source, sent);
        this.retire(old, sent, device);
      }
      previous?.stop();
    });
  }

  /** The local camera track for a self view, while the camera is on: what is sent (after any processor). */
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
      const oldDevice = this.device(source);
      if (publication.muted) {
        // Opened again from the new device on the next unmute.
        if (old) this.release(source);
        return;
      }
      const track = await createLocalTrack(source, { deviceId, noiseSuppression: this._noiseSuppression });
      const sent = await this.adopt(source, track);
      await this.link?.replaceTrack(source, sent);
      this.retire(old, sent);
      oldDevice?.stop();
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
          if (o.track && o.track.readyState === 'live' && !enabled && source === 'camera') {
            // Starts off: released at once (its processor is not started for it).
            o.track.stop();
          } else if (o.track && o.track.readyState === 'live') {
            const sent = await this.adopt(source, o.track);
            o.track.enabled = enabled;
            sent.enabled = enabled;
          } else if (enabled && !publication.track) {
            try {
              await this.adopt(
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
        if (source === 'screen') {
          track = await captureScreen();
          await this.adopt(source, track);
        } else {
          const device = await createLocalTrack(source, {
            deviceId: publication.deviceId,
            noiseSuppression: this._noiseSuppression,
          });
          track = await this.adopt(source, device);
        }
      }
      track.enabled = true;
      const device = source === 'screen' ? undefined : this.device(source);
      if (device) device.enabled = true;
      await this.link?.replaceTrack(source, track);
      if (publication.setMuted(false)) this.observer.onMuteChanged(publication);
      await this.link?.sendMute(source, false).catch((err: unknown) => this.reportLinkError(err));
    } else {
      await this.link?.replaceTrack(source, null);
      // The microphone stays open (silent) so unmuting is instant; the camera and screen are released.
      if (source !== 'microphone') this.release(source);
      else {
        if (publication.track) publication.track.enabled = false;
        const device = this.device(source);
        if (device) device.enabled = false;
      }
      if (publication.setMuted(true)) this.observer.onMuteChanged(publication);
      await this.link?.sendMute(source, true).catch((err: unknown) => this.reportLinkError(err));
    }
  }

  /**
   * Makes `track` (a device's, or a shared screen) the source's, runs the source's processor on it
   * and returns what is to be sent: the processor's track, or `track` itself. The caller sends it.
   */
  private async adopt(source: TrackSource, track: MediaStreamTrack): Promise<MediaStreamTrack> {
    const publication = this.pub(source);
    const current = () => (source === 'screen' ? publication.track : this.device(source)) === track;
    if (source !== 'screen') this.inputs.set(source, track);
    let sent = track;
    const processor = source === 'screen' ? undefined : this.processors.get(source);
    if (source !== 'screen' && processor) {
      try {
        sent = await processor.process(track);
        this.watchProcessed(source, processor, track, sent);
      } catch (err) {
        this.effectFailed(source, processor, err);
      }
    }
    publication.setTrack(sent);
    this.observer.onTrackChanged(publication);
    if (this.watched.has(track)) return sent;
    this.watched.add(track);
    track.addEventListener('ended', () => {
      // The device went away (unplugged, or revoked by the system): turn the source off.
      if (!current()) return;
      void this.ops.run(async () => {
        if (!current()) return;
        // A share ends this way when the person stops it from the browser's own bar: no error.
        if (source !== 'screen') {
          this.observer.onError(
            new MediaDeviceError('device_unavailable', source, `The ${source} stopped working`),
          );
        }
        await this.setEnabled(source, false).catch(() => undefined);
      });
    });
    return sent;
  }

  /** A processor's track that ends while its device still runs: the plain device track goes out instead. */
  private watchProcessed(
    source: CaptureSource,
    processor: TrackProcessor,
    device: MediaStreamTrack,
    processed: MediaStreamTrack,
  ): void {
    if (processed === device) return;
    processed.addEventListener('ended', () => {
      const publication = this.pub(source);
      if (publication.track !== processed || device.readyState !== 'live') return;
      void this.ops.run(async () => {
        if (publication.track !== processed || this.device(source) !== device) return;
        if (device.readyState !== 'live' || this.processors.get(source) !== processor) return;
        this.effectFailed(source, processor, new EffectUnavailableError(`${processor.name} stopped`));
        device.enabled = processed.enabled;
        publication.setTrack(device);
        this.observer.onTrackChanged(publication);
        if (!publication.muted) await this.link?.replaceTrack(source, device);
      });
    });
  }

  /** The processor cannot run: it is dropped and the plain track sent; the app hears why. */
  private effectFailed(source: CaptureSource, processor: TrackProcessor, err: unknown): void {
    if (this.processors.get(source) === processor) this.processors.delete(source);
    processor.stop();
    const detail = err instanceof Error && err.message ? `: ${err.message}` : '';
    this.observer.onError(
      new EffectError(source, processor.name, `The ${processor.name} effect cannot run here${detail}`, err),
    );
  }

  /** Ends a processor's previous track once `sent` replaced it (a device track is the caller's to stop). */
  private retire(old: MediaStreamTrack | null, sent: MediaStreamTrack, device?: MediaStreamTrack): void {
    if (!old || old === sent || old === device) return;
    if ([...this.inputs.values()].includes(old)) return;
    old.stop();
  }

  /** @internal The device track of a source (under its processor's, if any), while it is open. */
  device(source: CaptureSource): MediaStreamTrack | null {
    return this.inputs.get(source) ?? null;
  }

  private release(source: TrackSource): void {
    const publication = this.pub(source);
    const track = publication.track;
    const device = source === 'screen' ? null : this.device(source);
    if (source !== 'screen') {
      this.inputs.delete(source);
      // The processor's track ends; the processor is kept for the next track.
      if (track !== device) this.processors.get(source)?.stop();
    }
    if (!track && !device) return;
    publication.setTrack(null);
    track?.stop();
    device?.stop();
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
