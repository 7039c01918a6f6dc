import {
  SIGNALING_PATH,
  type ErrorCode,
  type IceServerInfo,
  type LeaveReason,
  type ParticipantInfo,
  type ServerMessage,
  type ServerMessageOf,
  type TrackSource,
} from '@conclave/protocol';
import { listDevices, type DeviceKind } from './devices';
import { ConclaveError, SignalingError, toConclaveError } from './errors';
import { TypedEmitter } from './events';
import {
  LocalParticipant,
  RemoteParticipant,
  type LocalMediaLink,
  type LocalSourceOptions,
  type Participant,
} from './participant';
import type { LocalTrackPublication, RemoteTrackPublication, TrackPublication } from './publication';
import { preparePublisherConnection, Publisher } from './publisher';
import { SignalingClient, type SocketFactory } from './signaling';
import type { MediaStats } from './stats';
import { diffStreams, expectsSubscription, streamKey } from './streams';
import { Subscriber, type ReceivedStream } from './subscriber';
import { settledWithin } from './wait';
import { peerConfiguration } from './webrtc';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** Why a room ended up disconnected. */
export type DisconnectReason =
  /** `disconnect()` was called. */
  | 'left'
  /** A moderator removed this participant. */
  | 'removed'
  /** The same person joined again from elsewhere and this connection was replaced. */
  | 'replaced'
  /** Joining failed: see the error passed along (e.g. `meeting_not_found`, `unauthorized`). */
  | 'join_failed'
  /** The connection was lost and could not be restored. */
  | 'connection_lost'
  | 'server_shutdown'
  | 'media_failure'
  /** The meeting was deleted while this client was in it. */
  | 'meeting_ended'
  /** The user signed out (from this or another tab or device). */
  | 'session_ended';

/** Server reasons that end the room for good: joining again would not help. */
const FINAL_SERVER_REASONS = ['removed', 'replaced', 'left', 'meeting_ended', 'session_ended'] as const;
const isFinalServerReason = (reason: string | undefined): reason is (typeof FINAL_SERVER_REASONS)[number] =>
  (FINAL_SERVER_REASONS as readonly (string | undefined)[]).includes(reason);

export interface RoomEvents {
  connectionStateChanged: [state: ConnectionState];
  /** A participant arrived after this client joined (those already there are in `remoteParticipants`). */
  participantJoined: [participant: RemoteParticipant];
  participantLeft: [participant: RemoteParticipant, reason: LeaveReason];
  /** Name or published tracks of a participant (local or remote) changed. */
  participantUpdated: [participant: Participant];
  trackSubscribed: [
    track: MediaStreamTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ];
  trackUnsubscribed: [
    track: MediaStreamTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ];
  trackMuted: [publication: TrackPublication, participant: Participant];
  trackUnmuted: [publication: TrackPublication, participant: Participant];
  /** The local camera or microphone track was opened, replaced or released (for the self view). */
  localTrackChanged: [publication: LocalTrackPublication];
  disconnected: [reason: DisconnectReason, error?: ConclaveError];
  /** Something went wrong that did not end the meeting (a refused request, a failing device…). */
  error: [error: ConclaveError];
}

export interface ConnectOptions {
  meetingId: string;
  /** For guests: the token from POST /api/meetings/:id/guests. Signed-in users use their session cookie. */
  guestToken?: string;
  /** Defaults to `/api/signal` on the page's own host (ws: or wss: to match the page). */
  signalingUrl?: string;
  microphone?: boolean | LocalSourceOptions;
  camera?: boolean | LocalSourceOptions;
}

export interface RoomOptions {
  /** Give up restoring a lost connection after this long (default 60 s). */
  reconnectTimeoutMs?: number;
  /** Signaling request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** For tests: how to open the signaling socket. */
  createSocket?: SocketFactory;
}

/**
 * How long publishing waits for the first subscription to be answered. Receiving the others is what
 * a person joining waits for; publishing at the same time competes with it for the page's thread
 * and the browser's WebRTC thread. The server sends the offer a few ms after `joined`.
 */
const SUBSCRIBE_FIRST_MAX_MS = 400;

/** Join refusals that retrying cannot fix. */
const FINAL_JOIN_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'unauthorized',
  'forbidden',
  'meeting_not_found',
  'not_found',
  'validation_failed',
  'bad_request',
]);

interface Session {
  signaling: SignalingClient;
  publisher: Publisher | null;
  subscriber: Subscriber | null;
  iceServers: IceServerInfo[];
  /** Why the server said it is ending this session, if it did. */
  serverReason: ServerMessageOf<'disconnected'> | null;
  /** Messages that arrived before the roster was applied. */
  backlog: ServerMessage[] | null;
  /** Settles once the first subscription offer has been answered (or could not be). */
  subscribed: Promise<void>;
  markSubscribed: () => void;
  /** Connections made by prepareConnection(), until the publisher and subscriber take them. */
  peers: PreparedPeers | null;
  /** Joined and published; until then a failure is reported by establish() itself. */
  live: boolean;
  ended: boolean;
}

interface PreparedPeers {
  publisher: RTCPeerConnection | null;
  subscriber: RTCPeerConnection | null;
}

interface PreparedConnection {
  url: string;
  signaling: SignalingClient;
  opening: Promise<void>;
  settled: boolean;
  peers: PreparedPeers | null;
}

function closePeers(peers: PreparedPeers | null): void {
  peers?.publisher?.close();
  peers?.subscriber?.close();
}

/**
 * A meeting as this client sees it: the local participant, the remote participants and their tracks,
 * over one signaling socket, one publishing and one subscribing RTCPeerConnection.
 */
export class Room extends TypedEmitter<RoomEvents> {
  readonly localParticipant: LocalParticipant;
  private readonly remotes = new Map<string, RemoteParticipant>();
  private _state: ConnectionState = 'disconnected';
  private _meeting: { id: string; name: string } | null = null;
  private session: Session | null = null;
  private connectOptions: ConnectOptions | null = null;
  /** Streams received but not yet shown, because their participant is not in the roster yet. */
  private received: ReceivedStream[] = [];
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private prepared: PreparedConnection | null = null;
  private readonly options: Required<Omit<RoomOptions, 'createSocket'>> & { createSocket?: SocketFactory };

  constructor(options: RoomOptions = {}) {
    super();
    this.options = { reconnectTimeoutMs: 60_000, requestTimeoutMs: 10_000, ...options };
    this.localParticipant = new LocalParticipant({
      onTrackChanged: (publication) => this.emit('localTrackChanged', publication),
      onMuteChanged: (publication) => {
        this.emit(publication.muted ? 'trackMuted' : 'trackUnmuted', publication, this.localParticipant);
        this.emit('participantUpdated', this.localParticipant);
      },
      onError: (error) => this.emit('error', error),
    });
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** The meeting's id and name once joined. */
  get meeting(): { id: string; name: string } | null {
    return this._meeting;
  }

  get remoteParticipants(): ReadonlyMap<string, RemoteParticipant> {
    return this.remotes;
  }

  /** Everyone in the meeting, this client first. */
  get participants(): Participant[] {
    return [this.localParticipant, ...this.remotes.values()];
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
    try {
      await this.establish(media);
    } catch (err) {
      const error = toConclaveError(err, 'connection_failed', 'Could not join the meeting');
      this.finish('join_failed', error);
      throw error;
    }
  }

  /** Leaves the meeting, closes every connection and releases the camera and microphone. */
  async disconnect(): Promise<void> {
    if (this._state === 'disconnected') {
      this.dropPrepared();
      return;
    }
    const session = this.session;
    if (session?.signaling.isOpen) {
      await session.signaling.request({ type: 'leave' }, 1500).catch(() => undefined);
    }
    this.finish('left');
  }

  /**
   * Opens the signaling connection and makes the peer connections ahead of `connect()`, e.g. while
   * a join page is shown, so that joining does not wait for them (making a peer connection blocks
   * the page for a while). Harmless when never followed by `connect()`: `disconnect()` closes them.
   */
  prepareConnection(signalingUrl?: string): void {
    if (this._state !== 'disconnected' || this.prepared) return;
    const url = signalingUrl ?? defaultSignalingUrl();
    const signaling = this.newSignaling(url);
    const prepared: PreparedConnection = {
      url,
      signaling,
      opening: signaling.connect(),
      settled: false,
      peers: preparePeers(),
    };
    prepared.opening.then(
      () => (prepared.settled = true),
      () => (prepared.settled = true),
    );
    this.prepared = prepared;
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.localParticipant.setMicrophoneEnabled(enabled);
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.localParticipant.setCameraEnabled(enabled);
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
    const source: TrackSource = kind === 'audioinput' ? 'microphone' : 'camera';
    const publication = this.localParticipant.getPublication(source);
    return publication?.track?.getSettings().deviceId ?? publication?.deviceId;
  }

  /** Receive counters of every remote track currently subscribed. */
  async getMediaStats(): Promise<MediaStats[]> {
    const subscriber = this.session?.subscriber;
    if (!subscriber) return [];
    return subscriber.getStats();
  }

  // ---- connection lifecycle ----

  private async establish(media: Promise<void>): Promise<void> {
    const options = this.connectOptions as ConnectOptions;
    const { signaling, opening, peers } = this.openSignaling(options.signalingUrl ?? defaultSignalingUrl());
    let markSubscribed = () => {};
    const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
    const session: Session = {
      subscribed,
      markSubscribed,
      signaling,
      publisher: null,
      subscriber: null,
      iceServers: [],
      serverReason: null,
      backlog: [],
      peers,
      live: false,
      ended: false,
    };
    this.session = session;
    signaling.on('message', (m) => this.onMessage(session, m));
    signaling.on('close', () => this.onSessionLost(session));

    await opening;
    const joined = await signaling.request({
      type: 'join',
      meetingId: options.meetingId,
      ...(options.guestToken !== undefined && { guestToken: options.guestToken }),
    });
    if (session.ended) throw new ConclaveError('connection_closed', 'The connection closed while joining');
    session.iceServers = joined.iceServers;
    this._meeting = joined.meeting;
    this.applyRoster(joined);
    const backlog = session.backlog ?? [];
    session.backlog = null;
    this.setState('connected');
    for (const m of backlog) this.onMessage(session, m);

    // The others' media first: publishing waits (briefly) for the first subscription to be answered.
    if (expectsSubscription(joined.participants, joined.participantId)) {
      await settledWithin(session.subscribed, SUBSCRIBE_FIRST_MAX_MS);
    }
    await media;
    if (session.ended) throw new ConclaveError('connection_closed', 'The connection closed while joining');
    await this.localParticipant.attach(
      async (tracks) => {
        const prepared = session.peers?.publisher ?? undefined;
        if (session.peers) session.peers.publisher = null;
        const publisher = new Publisher(
          signaling,
          session.iceServers,
          () => this.onMediaFailed(session),
          prepared,
        );
        session.publisher = publisher;
        await publisher.start(tracks);
        return this.linkFor(session, publisher);
      },
      async (source, muted) => {
        await signaling.request({ type: 'setMute', source, muted });
      },
    );
    if (session.ended) throw new ConclaveError('connection_closed', 'The connection closed while joining');
    session.live = true;
  }

  private newSignaling(url: string): SignalingClient {
    return new SignalingClient({
      url,
      requestTimeoutMs: this.options.requestTimeoutMs,
      ...(this.options.createSocket && { createSocket: this.options.createSocket }),
    });
  }

  /** The prepared connection when it is (or may still become) open, else a new one. */
  private openSignaling(url: string): {
    signaling: SignalingClient;
    opening: Promise<void>;
    peers: PreparedPeers | null;
  } {
    const prepared = this.prepared;
    this.prepared = null;
    if (prepared && prepared.url === url && (!prepared.settled || prepared.signaling.isOpen)) {
      return { signaling: prepared.signaling, opening: prepared.opening, peers: prepared.peers };
    }
    prepared?.signaling.close();
    closePeers(prepared?.peers ?? null);
    const signaling = this.newSignaling(url);
    return { signaling, opening: signaling.connect(), peers: null };
  }

  private dropPrepared(): void {
    this.prepared?.signaling.close();
    closePeers(this.prepared?.peers ?? null);
    this.prepared = null;
  }

  private linkFor(session: Session, publisher: Publisher): LocalMediaLink {
    return {
      replaceTrack: (source, track) => publisher.replaceTrack(source, track),
      sendMute: async (source, muted) => {
        if (session.ended) return;
        await session.signaling.request({ type: 'setMute', source, muted });
      },
    };
  }

  /** The socket closed. Unless this was the end, restore the meeting by joining again. */
  private onSessionLost(session: Session): void {
    if (session.ended || this.session !== session || !session.live) return;
    const reason = session.serverReason?.reason;
    if (isFinalServerReason(reason)) {
      const message = session.serverReason?.message ?? '';
      this.finish(
        reason,
        new ConclaveError('connection_closed', message || 'You are no longer in the meeting'),
      );
      return;
    }
    this.startReconnecting();
  }

  private onMediaFailed(session: Session): void {
    if (session.ended || this.session !== session || !session.live) return;
    this.startReconnecting();
  }

  private startReconnecting(): void {
    this.teardownSession();
    this.setState('reconnecting');
    const deadline = Date.now() + this.options.reconnectTimeoutMs;
    let attempt = 0;
    const tryAgain = () => {
      this.reconnectTimer = null;
      if (this._state !== 'reconnecting') return;
      attempt++;
      const attemptDone = this.establish(Promise.resolve());
      const session = this.session;
      attemptDone.then(
        () => undefined,
        (err: unknown) => {
          if (this._state !== 'reconnecting') return;
          this.teardownSession();
          const ended = session?.serverReason?.reason;
          if (isFinalServerReason(ended)) {
            this.finish(ended, new ConclaveError('connection_closed', session?.serverReason?.message ?? ''));
            return;
          }
          const final = err instanceof SignalingError && FINAL_JOIN_ERRORS.has(err.code);
          const delay = Math.min(500 * 2 ** (attempt - 1), 5000);
          if (final || Date.now() + delay > deadline) {
            this.finish(
              final ? 'join_failed' : 'connection_lost',
              toConclaveError(err, 'connection_failed', 'The connection to the meeting was lost'),
            );
            return;
          }
          this.reconnectTimer = setTimeout(tryAgain, delay);
        },
      );
    };
    this.reconnectTimer = setTimeout(tryAgain, 250);
  }

  /** Closes the current session's connections; participants stay until the next roster replaces them. */
  private teardownSession(): void {
    const session = this.session;
    if (!session) return;
    session.ended = true;
    this.session = null;
    this.localParticipant.detach();
    session.publisher?.close();
    session.subscriber?.close();
    closePeers(session.peers);
    session.peers = null;
    session.signaling.close();
    this.updateSubscriptions([]);
  }

  /** Ends the room for good and reports why. */
  private finish(reason: DisconnectReason, error?: ConclaveError): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropPrepared();
    this.teardownSession();
    this.localParticipant.releaseAll();
    for (const participant of [...this.remotes.values()])
      this.removeParticipant(participant.id, 'disconnected');
    this.received = [];
    this._meeting = null;
    const wasDisconnected = this._state === 'disconnected';
    this.setState('disconnected');
    if (!wasDisconnected) this.emit('disconnected', reason, ...(error ? [error] : []));
  }

  private setState(state: ConnectionState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('connectionStateChanged', state);
  }

  // ---- server messages ----

  private onMessage(session: Session, message: ServerMessage): void {
    if (session.ended || this.session !== session) return;
    if (session.backlog && message.type !== 'disconnected' && message.type !== 'error') {
      session.backlog.push(message);
      return;
    }
    switch (message.type) {
      case 'participantJoined':
      case 'participantUpdated':
        this.upsertParticipant(message.participant);
        break;
      case 'participantLeft':
        this.removeParticipant(message.participantId, message.reason);
        break;
      case 'subscriptionOffer':
        void this.subscriberFor(session).handleOffer(message.sdp, message.streams);
        break;
      case 'trickle':
        if (message.target === 'publisher') session.publisher?.addRemoteCandidate(message.candidate);
        else this.subscriberFor(session).addRemoteCandidate(message.candidate);
        break;
      case 'disconnected':
        session.serverReason = message;
        break;
      case 'error':
        this.emit(
          'error',
          new SignalingError(message.code, message.message, {
            ...(message.field !== undefined && { field: message.field }),
          }),
        );
        break;
      default:
        // Replies whose request already timed out, and anything newer than this SDK.
        break;
    }
  }

  private subscriberFor(session: Session): Subscriber {
    if (!session.subscriber) {
      const prepared = session.peers?.subscriber ?? undefined;
      if (session.peers) session.peers.subscriber = null;
      session.subscriber = new Subscriber(
        session.signaling,
        session.iceServers,
        {
          onStreams: (streams) => {
            if (!session.ended) this.updateSubscriptions(streams);
            session.markSubscribed();
          },
          onError: (error) => {
            this.emit('error', error);
            session.markSubscribed();
          },
          onFailed: () => this.onMediaFailed(session),
        },
        prepared,
      );
    }
    return session.subscriber;
  }

  private applyRoster(joined: ServerMessageOf<'joined'>): void {
    const self = joined.participants.find((p) => p.id === joined.participantId);
    this.localParticipant.setIdentity(
      self ?? {
        id: joined.participantId,
        displayName: '',
        kind: 'guest',
        joinedAt: new Date().toISOString(),
      },
    );
    const present = new Set<string>();
    for (const info of joined.participants) {
      if (info.id === joined.participantId) continue;
      present.add(info.id);
      // Participants already known (after a reconnect) are updated; only real newcomers are announced.
      this.upsertParticipant(info, this._state === 'reconnecting');
    }
    for (const id of [...this.remotes.keys()]) if (!present.has(id)) this.removeParticipant(id, 'left');
  }

  private upsertParticipant(info: ParticipantInfo, announce = true): void {
    if (info.id === this.localParticipant.id) {
      this.localParticipant.setIdentity({ ...info });
      this.emit('participantUpdated', this.localParticipant);
      return;
    }
    const existing = this.remotes.get(info.id);
    if (!existing) {
      const participant = new RemoteParticipant(info);
      this.remotes.set(info.id, participant);
      if (announce) this.emit('participantJoined', participant);
      this.attachPending(participant);
      return;
    }
    const change = existing.update(info);
    for (const publication of change.unpublished) this.unsubscribe(existing, publication);
    for (const publication of change.muted) this.emit('trackMuted', publication, existing);
    for (const publication of change.unmuted) this.emit('trackUnmuted', publication, existing);
    if (change.changed) this.emit('participantUpdated', existing);
  }

  private removeParticipant(id: string, reason: LeaveReason): void {
    const participant = this.remotes.get(id);
    if (!participant) return;
    for (const publication of participant.trackPublications) this.unsubscribe(participant, publication);
    this.remotes.delete(id);
    this.emit('participantLeft', participant, reason);
  }

  // ---- subscriptions ----

  /** Applies the latest received stream list: unsubscribes what went away, subscribes what is new. */
  private updateSubscriptions(next: ReceivedStream[]): void {
    const { added, removed } = diffStreams(this.received, next, (a, b) => a.track === b.track);
    this.received = next;
    for (const stream of removed) {
      const participant = this.remotes.get(stream.participantId);
      const publication = participant?.getPublication(stream.source);
      if (participant && publication && publication.track === stream.track)
        this.unsubscribe(participant, publication);
    }
    for (const stream of added) {
      const participant = this.remotes.get(stream.participantId);
      if (participant) this.subscribe(participant, stream);
    }
  }

  /** Streams that arrived before their participant's roster entry are shown once it arrives. */
  private attachPending(participant: RemoteParticipant): void {
    for (const stream of this.received) {
      if (stream.participantId === participant.id) this.subscribe(participant, stream);
    }
  }

  private subscribe(participant: RemoteParticipant, stream: ReceivedStream): void {
    const publication = participant.ensurePublication(stream.source);
    if (publication.track === stream.track && publication.mid === stream.mid) return;
    if (publication.track) this.unsubscribe(participant, publication);
    publication.setTrack(stream.track);
    publication.mid = stream.mid;
    this.emit('trackSubscribed', stream.track, publication, participant);
  }

  private unsubscribe(participant: RemoteParticipant, publication: RemoteTrackPublication): void {
    const track = publication.track;
    if (!track) return;
    publication.setTrack(null);
    publication.mid = null;
    this.emit('trackUnsubscribed', track, publication, participant);
  }

  /** @internal For debugging and tests: which received stream a key maps to. */
  receivedStream(participantId: string, source: TrackSource): ReceivedStream | undefined {
    return this.received.find((s) => streamKey(s) === streamKey({ participantId, source }));
  }
}

function sourceOptions(value: boolean | LocalSourceOptions | undefined): LocalSourceOptions {
  if (value === undefined) return { enabled: true };
  if (typeof value === 'boolean') return { enabled: value };
  return value;
}

/** Peer connections for prepareConnection(); none where WebRTC is missing (the room makes them later). */
function preparePeers(): PreparedPeers | null {
  if (typeof RTCPeerConnection === 'undefined') return null;
  const peers: PreparedPeers = { publisher: null, subscriber: null };
  try {
    peers.publisher = preparePublisherConnection();
    peers.subscriber = new RTCPeerConnection(peerConfiguration([]));
    return peers;
  } catch {
    closePeers(peers);
    return null;
  }
}

function defaultSignalingUrl(): string {
  if (typeof location === 'undefined') {
    throw new ConclaveError('invalid_state', 'signalingUrl is required outside a browser page');
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${SIGNALING_PATH}`;
}
