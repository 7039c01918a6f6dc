import {
  type RegionRtts,
  type ServerMessageOf,
  type TrackSource,
  type WaitingInfo,
} from '@conclave/protocol';
import { ActiveSpeakerState } from './active-speakers';
import { MeetingCaptureState, type CaptureChange, type CaptureState } from './capture';
import { listDevices, type DeviceKind } from './devices';
import type { E2eeSetup, E2eeState } from './e2ee/controller';
import { prepareE2ee } from './e2ee/prepare';
import { ConclaveError, toConclaveError } from './errors';
import { TypedEmitter } from './events';
import { LocalParticipant } from './local-participant';
import type { Participant } from './participant';
import type { RemoteParticipant } from './remote-participant';
import { endedByServer, ReconnectPolicy, type ReconnectStep } from './reconnect';
import { MediaQuality } from './media-quality';
import { MeetingChat } from './meeting-chat';
import type { MediaPath } from './media-path';
import { measureRegions, regionsUrl, type FetchLike } from './regions';
import {
  defaultSignalingUrl,
  sourceOptions,
  type ConnectOptions,
  type RecoveryCounts,
  type RoomOptions,
} from './room-options';
import type { ConnectionState, DisconnectReason, RoomEvents } from './room-events';
import { Roster } from './roster';
import { Session, type CaptureControl, type SessionObserver } from './session';
import type { SocketFactory } from './signaling';
import type { MediaStats } from './stats';
import { ViewControl } from './view-control';

/**
 * A meeting as this client sees it: the local participant, the remote participants and their tracks.
 * The room joins through a session (one signaling socket, one publishing and one subscribing
 * RTCPeerConnection) and, when that session is lost, joins again with a new one.
 */
export class Room extends TypedEmitter<RoomEvents> {
  readonly localParticipant: LocalParticipant;
  /** The meeting's chat (CHAT-MEETING; end-to-end encrypted in an E2EE meeting, E2EE-CHAT). */
  readonly chat: MeetingChat;
  private readonly roster: Roster;
  /** Simulcast layers asked for and connection quality (MEET-QUALITY). */
  private readonly quality: MediaQuality;
  private readonly speakers = new ActiveSpeakerState();
  /** The meeting's recording and live stream (REC-NOTICE). */
  private readonly captures = new MeetingCaptureState();
  private readonly reconnect: ReconnectPolicy;
  private readonly sessionObserver: SessionObserver;
  private _state: ConnectionState = 'disconnected';
  private _meeting: { id: string; name: string } | null = null;
  private session: Session | null = null;
  /** Opened by prepareConnection(), until connect() takes it over. */
  private prepared: Session | null = null;
  private connectOptions: ConnectOptions | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly requestTimeoutMs: number;
  private readonly forceRelay: boolean;
  private readonly createSocket: SocketFactory | undefined;
  private readonly fetch: FetchLike;
  /**
   * What this client measured to each media region, for the server to place a new meeting near it
   * (NET-REGIONS); measured once per signaling server while the room lives, rejoins included.
   */
  private regions: { signalingUrl: string; rtts: Promise<RegionRtts> } | null = null;
  /** Kept across reconnects: the device identity and the media worker outlive a session. */
  private e2eeSetup: E2eeSetup | null = null;
  private _e2ee: E2eeState | null = null;
  private _lobby: readonly WaitingInfo[] = [];
  /** `reconnecting` because the live session is interrupted (not because it is being replaced). */
  private interrupted = false;
  private readonly _recoveries: RecoveryCounts = { iceRestarts: 0, resumes: 0, rejoins: 0 };
  private readonly autoSubscribe: boolean;
  /** With `autoSubscribe: false`: the videos the app wants, as the server is told them. */
  private readonly view: ViewControl;

  constructor(options: RoomOptions = {}) {
    super();
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.forceRelay = options.forceRelay === true;
    this.createSocket = options.createSocket;
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.reconnect = new ReconnectPolicy({ giveUpAfterMs: options.reconnectTimeoutMs ?? 60_000 });
    this.localParticipant = new LocalParticipant({
      onTrackChanged: (publication) => this.emit('localTrackChanged', publication),
      onMuteChanged: (publication) => {
        this.emit(publication.muted ? 'trackMuted' : 'trackUnmuted', publication, this.localParticipant);
        this.emit('participantUpdated', this.localParticipant);
      },
      onError: (error) => this.emit('error', error),
    });
    this.autoSubscribe = options.autoSubscribe ?? true;
    this.view = new ViewControl(
      {
        send: async (video) => {
          await this.session?.setView(video);
        },
      },
      () => this.roster.remoteParticipants.values(),
    );
    this.roster = new Roster(this.localParticipant, this, () => {
      if (!this.autoSubscribe) this.view.changed();
    });
    this.quality = new MediaQuality({
      stats: async () => (this.session ? this.session.qualityStats() : null),
      sendLayers: async (layers) => {
        await this.session?.setVideoLayers(layers);
      },
      local: () => this.localParticipant,
      remotes: () => this.roster.remoteParticipants.values(),
      qualityChanged: (participant, quality) => this.emit('connectionQualityChanged', quality, participant),
      pathChanged: (path) => this.emit('mediaPathChanged', path),
    });
    this.chat = new MeetingChat({
      send: (body) => this.connected().sendChat(body),
      ownId: () => this.localParticipant.id || null,
      nameOf: (id) => this.findParticipant(id)?.displayName ?? null,
      encryption: () => ({
        encrypted: this.session?.encrypted ?? false,
        ready: this._e2ee?.status === 'member',
      }),
    });
    this.on('trackSubscribed', (_track, publication) => this.quality.subscribed(publication));
    this.on('trackUnsubscribed', (_track, publication) => this.quality.unsubscribed(publication));
    this.sessionObserver = {
      onWaiting: (waiting) => {
        this._meeting = waiting.meeting;
        this.keepGuestToken(waiting.guestToken);
        this.setState('waiting');
      },
      onJoined: (joined) => {
        this.takeRoster(joined, this._state === 'reconnecting');
        // A new participation: the server has no view of it yet (a rejoin shows what it showed).
        if (!this.autoSubscribe) this.view.reset();
        this.setState('connected');
      },
      // Still connected: the people and their media stay, only what changed meanwhile is announced.
      onResumed: (joined) => this.takeRoster(joined, true),
      onRoster: (message) => {
        const leaving =
          message.type === 'participantLeft' ? this.findParticipant(message.participantId) : null;
        this.roster.apply(message);
        if (leaving && this.speakers.remove(leaving)) this.emitSpeakers();
      },
      onActiveSpeakers: (ids) => {
        if (this.speakers.apply(ids, (id) => this.findParticipant(id))) this.emitSpeakers();
      },
      onModeration: (message) => {
        if (message.type === 'lobby') {
          this.setLobby(message.waiting);
        } else if (message.type === 'mutedByModerator') {
          const { source, moderatorName, canUnmute } = message;
          void this.localParticipant.mutedByModerator(source, canUnmute).catch(() => undefined);
          this.emit('mutedByModerator', source, moderatorName, canUnmute);
        } else {
          this.localParticipant.unmuteAllowed(message.source);
          this.emit('unmuteAllowed', message.source, message.moderatorName);
        }
      },
      onE2ee: (state) => {
        this._e2ee = state;
        this.emit('e2eeChanged', state);
      },
      onChat: (chat) => this.chat.received(chat),
      onCapture: (message) => this.announceCapture(this.captures.apply(message)),
      onStreams: (streams) => this.roster.setStreams(streams),
      onError: (error) => this.emit('error', error),
      // MEET-RECONNECT: the same session recovers by itself; the room shows it meanwhile.
      onInterrupted: (down) => {
        if (down && this._state === 'connected') {
          this.interrupted = true;
          this.setState('reconnecting');
        } else if (!down && this.interrupted) {
          this.interrupted = false;
          if (this._state === 'reconnecting') this.setState('connected');
        }
      },
      onRecovery: (kind) => {
        if (kind === 'iceRestart') this._recoveries.iceRestarts++;
        else this._recoveries.resumes++;
      },
      onLost: (end) => this.follow(this.reconnect.lost(end)),
    };
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** The meeting's id and name once joined. */
  get meeting(): { id: string; name: string } | null {
    return this._meeting;
  }

  /** The meeting's recording while one runs (REC-NOTICE): who started it, and since when. */
  get recording(): CaptureState | null {
    return this.captures.recording;
  }

  /** The meeting's live stream while one runs: who started it, and since when. */
  get streaming(): CaptureState | null {
    return this.captures.streaming;
  }

  /**
   * Whether this participant may start (or stop) a recording now, as the server said: its owner, or a
   * moderator when the owner allows it; never in an E2EE meeting or with the organisation's recording
   * off. The server checks again at every request.
   */
  get canRecord(): boolean {
    return MeetingCaptureState.allows(this.captures.rights.recording, this.localParticipant.isModerator);
  }

  /** Whether this participant may go live: the owner of a meeting enabled for streaming. */
  get canStream(): boolean {
    return MeetingCaptureState.allows(this.captures.rights.streaming, this.localParticipant.isModerator);
  }

  /**
   * Starts recording the meeting; everyone is told by whom (`recordingChanged`). Rejects with
   * `recording_disabled`, `e2ee_unavailable`, `forbidden`, `recording_unavailable` or `invalid_state`.
   */
  startRecording(): Promise<void> {
    return this.controlCapture('startRecording');
  }

  /** Stops the recording (its starter, or the meeting's owner). */
  stopRecording(): Promise<void> {
    return this.controlCapture('stopRecording');
  }

  /** Starts streaming the meeting live; refused as `startRecording`, or with `streaming_disabled`. */
  startStream(): Promise<void> {
    return this.controlCapture('startStream');
  }

  /** Stops the live stream (its starter, or the meeting's owner). */
  stopStream(): Promise<void> {
    return this.controlCapture('stopStream');
  }

  /** End-to-end encryption as this client sees it; null in a meeting without E2EE. */
  get e2ee(): E2eeState | null {
    return this._e2ee;
  }

  /**
   * How this room recovered from interruptions so far (MEET-RECONNECT): ICE restarts, resumed
   * signaling sockets (both keep the participation), and full rejoins (a new participant id).
   */
  get recoveries(): Readonly<RecoveryCounts> {
    return { ...this._recoveries };
  }

  /** Moderators only: who waits in the lobby (name, account or guest, E2EE identity key). */
  get lobby(): readonly WaitingInfo[] {
    return this._lobby;
  }

  get remoteParticipants(): ReadonlyMap<string, RemoteParticipant> {
    return this.roster.remoteParticipants;
  }

  /**
   * How this client's media reaches the media server (NET-TURN): directly or through a TURN relay,
   * and over which protocol; null until a connection has chosen its route. See `mediaPathChanged`.
   */
  get mediaPath(): MediaPath | null {
    return this.quality.path;
  }

  /** Who speaks now, most recent first (the media server's audio levels; a muted microphone never). */
  get activeSpeakers(): Participant[] {
    return this.speakers.speakers;
  }

  /** Everyone in the meeting, this client first. */
  get participants(): Participant[] {
    return [this.localParticipant, ...this.roster.remoteParticipants.values()];
  }

  /**
   * Joins the meeting and starts sending; resolves once joined and published. Rejects with a
   * ConclaveError (e.g. `meeting_not_found`, `unauthorized`, `connection_failed`) and cleans up on failure.
   */
  async connect(options: ConnectOptions): Promise<void> {
    if (this._state !== 'disconnected')
      throw new ConclaveError('invalid_state', 'The room is already connected');
    this.connectOptions = options;
    this.setState('connecting');
    const media = this.localParticipant.prepare({
      microphone: sourceOptions(options.microphone),
      camera: sourceOptions(options.camera),
    });
    let session: Session | null = null;
    try {
      if (options.e2ee) this.e2eeSetup = await prepareE2ee();
      session = this.openSession();
      await this.establish(session, media);
    } catch (err) {
      const error = toConclaveError(err, 'connection_failed', 'Could not join the meeting');
      // Unless disconnect() came first and already ended everything. When the server ended the join
      // after `joined` (signed out elsewhere, the meeting deleted), its word is why.
      const ended = endedByServer(session?.serverEnd ?? null);
      if (this.session !== session) throw error;
      if (error.code === 'rejected') this.finish('rejected', error);
      else if (ended) this.finish(ended.reason, ended.error);
      else this.finish('join_failed', error);
      throw error;
    }
  }

  /** Leaves the meeting, closes every connection and releases the camera and microphone. */
  async disconnect(): Promise<void> {
    if (this._state === 'disconnected') {
      this.dropPrepared();
      return;
    }
    await this.session?.leave();
    this.finish('left');
  }

  /**
   * Opens the signaling connection and makes the peer connections ahead of `connect()`, e.g. while
   * a join page is shown, so that joining does not wait for them (making a peer connection blocks
   * the page for a while). Harmless when never followed by `connect()`: `disconnect()` closes them.
   * The server closes a socket that has not joined within about 10 s, so call this again when the
   * person shows they are about to join (focus on the form, pointer over the button): a prepared
   * connection that is still usable is kept, one that has closed is replaced.
   */
  prepareConnection(signalingUrl?: string): void {
    if (this._state !== 'disconnected' || this.prepared?.usable) return;
    this.prepared?.close();
    const url = signalingUrl ?? defaultSignalingUrl();
    // Measuring the regions while the join page is shown, too, so that joining does not wait for it.
    void this.measureRegions(url);
    this.prepared = this.newSession(url, true);
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.localParticipant.setMicrophoneEnabled(enabled);
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.localParticipant.setCameraEnabled(enabled);
  }

  /** Shares a screen, window or tab, or stops sharing (MEET-SHARE). */
  setScreenShareEnabled(enabled: boolean): Promise<void> {
    return this.localParticipant.setScreenShareEnabled(enabled);
  }

  /** Lists cameras (`videoinput`), microphones (`audioinput`) or speakers (`audiooutput`). */
  static getLocalDevices(kind?: DeviceKind): Promise<MediaDeviceInfo[]> {
    return listDevices(kind);
  }

  /** Switches the microphone or camera to another device, while connected or before. */
  switchActiveDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    return this.localParticipant.switchDevice(kind === 'audioinput' ? 'microphone' : 'camera', deviceId);
  }

  getActiveDevice(kind: 'audioinput' | 'videoinput'): string | undefined {
    const source = kind === 'audioinput' ? 'microphone' : 'camera';
    const publication = this.localParticipant.getPublication(source);
    // The device's own track: a processor's track (background blur) names no device.
    return this.localParticipant.device(source)?.getSettings().deviceId ?? publication?.deviceId;
  }

  /** Receive counters of every remote track currently subscribed. */
  async getMediaStats(): Promise<MediaStats[]> {
    return this.session ? this.session.getStats() : [];
  }

  // ---- moderation (moderators only; the server refuses others with `forbidden`) ----

  /** Lets people in from the lobby (MEET-LOBBY); under E2EE, with admissions this device signs. */
  admit(participantIds: readonly string[]): Promise<void> {
    const ids = new Set(participantIds);
    return this.connected().admit(this._lobby.filter((w) => ids.has(w.id)));
  }

  /** Turns people in the lobby away; they are told so. */
  reject(participantIds: readonly string[]): Promise<void> {
    return this.connected().moderate({ type: 'reject', participantIds: [...participantIds] });
  }

  /**
   * Mutes others' microphone or camera (MEET-MOD-MUTE); without `participantIds`, everyone but the
   * moderators. They may turn it on again themselves only if `allowUnmute`.
   */
  muteParticipants(options: {
    source: TrackSource;
    participantIds?: readonly string[];
    allowUnmute?: boolean;
  }): Promise<void> {
    return this.connected().moderate({
      type: 'muteParticipants',
      source: options.source,
      allowUnmute: options.allowUnmute ?? false,
      ...(options.participantIds && { participantIds: [...options.participantIds] }),
    });
  }

  /** Lets participants a moderator muted turn `source` on again (without `participantIds`: all of them). */
  allowUnmute(source: TrackSource, participantIds?: readonly string[]): Promise<void> {
    return this.connected().moderate({
      type: 'allowUnmute',
      source,
      ...(participantIds && { participantIds: [...participantIds] }),
    });
  }

  /** Removes participants (MEET-MOD-REMOVE); without `participantIds`, everyone but the moderators. */
  removeParticipants(participantIds?: readonly string[]): Promise<void> {
    return this.connected().moderate({
      type: 'removeParticipants',
      ...(participantIds && { participantIds: [...participantIds] }),
    });
  }

  /** Makes a participant a moderator or no longer one (the owner, Superusers and Administrators only). */
  setModerator(participantId: string, moderator: boolean): Promise<void> {
    return this.connected().moderate({ type: 'setModerator', participantId, moderator });
  }

  /** Raises or lowers this participant's hand; everyone sees it, in the order hands went up. */
  raiseHand(raised: boolean): Promise<void> {
    return this.connected().moderate({ type: 'raiseHand', raised });
  }

  /** Lowers someone's raised hand: one's own, or as a moderator anyone's (others are refused `forbidden`). */
  lowerHand(participantId: string): Promise<void> {
    return this.connected().moderate({ type: 'lowerHand', participantId });
  }

  private async controlCapture(type: CaptureControl): Promise<void> {
    await this.connected().controlCapture(type);
  }

  private announceCapture(changes: readonly CaptureChange[]): void {
    for (const change of changes) {
      if (change.kind === 'rights') this.emit('captureRightsChanged');
      else if (change.kind === 'recording') this.emit('recordingChanged', change.state, change.reason);
      else this.emit('streamChanged', change.state, change.reason);
    }
  }

  private findParticipant(id: string): Participant | undefined {
    if (id !== '' && id === this.localParticipant.id) return this.localParticipant;
    return this.roster.remoteParticipants.get(id);
  }

  private emitSpeakers(): void {
    this.emit('activeSpeakersChanged', this.speakers.speakers);
  }

  private connected(): Session {
    if (this._state !== 'connected' || !this.session) {
      throw new ConclaveError('invalid_state', 'Not in the meeting');
    }
    return this.session;
  }

  private setLobby(waiting: readonly WaitingInfo[]): void {
    if (waiting.length === 0 && this._lobby.length === 0) return;
    this._lobby = waiting;
    this.emit('lobbyChanged', waiting);
  }

  /** The meeting as `joined` describes it; `rejoined`: announce only who is new to this room. */
  private takeRoster(joined: ServerMessageOf<'joined'>, rejoined: boolean): void {
    this._meeting = joined.meeting;
    this.keepGuestToken(joined.guestToken);
    this.roster.reset(joined, rejoined);
    // The server tells who speaks at its next change; until then nobody is known to.
    if (this.speakers.clear()) this.emitSpeakers();
    this.setLobby(joined.lobby ?? []);
    this.announceCapture(this.captures.joined(joined));
  }

  private keepGuestToken(guestToken: string | undefined): void {
    if (guestToken === undefined || !this.connectOptions) return;
    const { displayName: _named, ...rest } = this.connectOptions;
    this.connectOptions = { ...rest, guestToken };
  }

  // ---- connection lifecycle ----

  /** The session for the next join: the prepared one when it fits, else a new one. */
  private openSession(): Session {
    const url = (this.connectOptions as ConnectOptions).signalingUrl ?? defaultSignalingUrl();
    const prepared = this.prepared;
    this.prepared = null;
    if (prepared?.url === url && prepared.usable) {
      this.session = prepared;
    } else {
      prepared?.close();
      this.session = this.newSession(url, false);
    }
    return this.session;
  }

  private establish(session: Session, media: Promise<void>): Promise<void> {
    const { meetingId, guestToken, displayName, passcode, egressToken, roomSystem } = this
      .connectOptions as ConnectOptions;
    return session.establish(
      {
        meetingId,
        regionRtts: this.measureRegions(session.url),
        ...(passcode !== undefined && { passcode }),
        ...(egressToken !== undefined && { egressToken }),
        ...(roomSystem && { roomSystem: true as const }),
        ...(guestToken !== undefined && { guestToken }),
        ...(guestToken === undefined && displayName !== undefined && { displayName }),
        ...(this.e2eeSetup && { e2ee: this.e2eeSetup }),
        ...(!this.autoSubscribe && { videoSubscription: 'chosen' as const }),
      },
      this.localParticipant,
      media,
    );
  }

  /** The region measurements for this signaling server: started on first need, then kept. */
  private measureRegions(signalingUrl: string): Promise<RegionRtts> {
    if (this.regions?.signalingUrl !== signalingUrl) {
      this.regions = {
        signalingUrl,
        rtts: measureRegions(regionsUrl(signalingUrl), { fetch: this.fetch }),
      };
    }
    return this.regions.rtts;
  }

  private newSession(url: string, preparePeers: boolean): Session {
    return new Session(
      {
        url,
        requestTimeoutMs: this.requestTimeoutMs,
        forceRelay: this.forceRelay,
        preparePeers,
        ...(this.createSocket && { createSocket: this.createSocket }),
      },
      this.sessionObserver,
    );
  }

  /** Carries out what the reconnect policy decided after a loss or a failed attempt. */
  private follow(step: ReconnectStep): void {
    if (step.kind === 'end') {
      this.finish(step.reason, step.error);
      return;
    }
    this.closeSession();
    this.interrupted = false;
    this.setState('reconnecting');
    this.reconnectTimer = setTimeout(() => void this.rejoin(), step.delayMs);
  }

  private async rejoin(): Promise<void> {
    this.reconnectTimer = null;
    if (this._state !== 'reconnecting') return;
    const session = this.openSession();
    this._recoveries.rejoins++;
    try {
      await this.establish(session, Promise.resolve());
    } catch (err) {
      // Unless the room was left or ended meanwhile, which settled everything already.
      if (this.session === session) this.follow(this.reconnect.failed(err, session.serverEnd));
    }
  }

  /** Closes the current session; participants stay until the next roster replaces them. */
  private closeSession(): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.close();
    this.quality.reset();
    this.localParticipant.detach();
    this.roster.setStreams([]);
  }

  private dropPrepared(): void {
    this.prepared?.close();
    this.prepared = null;
  }

  /** Ends the room for good and reports why. */
  private finish(reason: DisconnectReason, error?: ConclaveError): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropPrepared();
    this.closeSession();
    this.regions = null;
    this.localParticipant.releaseAll();
    if (this.speakers.clear()) this.emitSpeakers();
    this.roster.clear();
    this._meeting = null;
    this.e2eeSetup?.media.close();
    this.e2eeSetup = null;
    this._e2ee = null;
    this.setLobby([]);
    this.captures.clear();
    this.localParticipant.forgetModeration();
    this.interrupted = false;
    const wasDisconnected = this._state === 'disconnected';
    this.setState('disconnected');
    if (!wasDisconnected) this.emit('disconnected', reason, ...(error ? [error] : []));
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    if (state === 'connected') this.quality.start();
    this.emit('connectionStateChanged', state);
  }
}
