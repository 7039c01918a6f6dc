import { toBase64Url } from '@conclave/e2ee';
import type {
  RegionRtts,
  ServerMessage,
  ServerMessageOf,
  TrackSource,
  VideoSubscription,
  ViewEntry,
  WaitingInfo,
} from '@conclave/protocol';
import type { E2eeSetup, E2eeState } from './e2ee/controller';
import type { ReceivedChat } from './meeting-chat';
import type { CaptureMessage } from './capture';
import { E2eeMedia } from './e2ee/media';
import { SessionEncryption } from './e2ee/session-encryption';
import { ConclaveError, SignalingError } from './errors';
import type { LocalMediaLink, LocalParticipant } from './local-participant';
import { PreparedPeers } from './prepared-peers';
import { Publisher } from './publisher';
import type { ServerEnd } from './reconnect';
import { Resumption, type Identity } from './resumption';
import type { RosterMessage } from './roster';
import type { RequestMessage, SocketFactory } from './signaling';
import { SignalingLink } from './signaling-link';
import type { MediaStats } from './stats';
import type { StreamOwner } from './connection-quality';
import type { ConnectionStats } from './media-quality';
import type { LayerRequest } from './layer-control';
import { expectsSubscription } from './streams';
import { Subscriber, type ReceivedStream } from './subscriber';
import { settledWithin } from './wait';
import { NO_ICE, type IceSetup } from './webrtc';

/**
 * How long publishing waits for the first subscription to be answered. Receiving the others is what
 * a person joining waits for; publishing at the same time competes with it for the page's thread
 * and the browser's WebRTC thread. The server sends the offer a few ms after `joined`.
 */
const SUBSCRIBE_FIRST_MAX_MS = 400;

/** What moderators ask of the server, and raised hands (one's own; a moderator lowers others'). */
export type ModerationRequest = Extract<
  RequestMessage,
  {
    type:
      | 'admit'
      | 'reject'
      | 'muteParticipants'
      | 'allowUnmute'
      | 'removeParticipants'
      | 'setModerator'
      | 'raiseHand'
      | 'lowerHand';
  }
>;

/** Starting and stopping the meeting's recording or live stream (REC-START, STREAM-LIVE). */
export type CaptureControl = 'startRecording' | 'stopRecording' | 'startStream' | 'stopStream';

export interface JoinRequest {
  meetingId: string;
  guestToken?: string;
  /** A guest without a token names themselves; the server answers with a token in `joined`. */
  displayName?: string;
  /** Joins end-to-end encrypted: the device identity, its Codeword and the frame transforms. */
  e2ee?: E2eeSetup;
  /** The meeting's passcode, when it has one (MEET-PASSCODE). */
  passcode?: string;
  /** The recorder's token (REC-START). */
  egressToken?: string;
  /** Joins as the room system this browser was paired as (ADM-ROOMS). */
  roomSystem?: true;
  /** What this client measured to each media region (NET-REGIONS); the join is sent once it settles. */
  regionRtts?: Promise<RegionRtts>;
  /** `chosen`: only the videos `setView` names are received (MEET-QUALITY); the server picks otherwise. */
  videoSubscription?: VideoSubscription;
}

/** What a session reports to its room. A closed session reports nothing more. */
export interface SessionObserver {
  /** The meeting's lobby holds this join until a moderator admits (then `onJoined`) or rejects it. */
  onWaiting(waiting: ServerMessageOf<'waiting'>): void;
  /** The server accepted the join; messages that came after `joined` are delivered once this returns. */
  onJoined(joined: ServerMessageOf<'joined'>): void;
  /**
   * The participation goes on from another socket or another server (NET-SCALE): the roster as it
   * is now. Both peer connections and everything received through them stay as they are.
   */
  onResumed(joined: ServerMessageOf<'joined'>): void;
  onRoster(message: RosterMessage): void;
  /** Who speaks now, by the media server's audio levels: the whole list, on every change. */
  onActiveSpeakers(participantIds: string[]): void;
  /** Who waits in the lobby (moderators only), and what a moderator did to this participant. */
  onModeration(message: ServerMessageOf<'lobby' | 'mutedByModerator' | 'unmuteAllowed'>): void;
  /** End-to-end encryption changed (group, epoch, Codewords, security code). */
  onE2ee(state: E2eeState): void;
  /** The meeting's chat: what was said so far, or a new message (opened here under E2EE). */
  onChat(chat: ReceivedChat): void;
  /** The meeting's recording or live stream started or ended, or what this participant may start. */
  onCapture(message: CaptureMessage): void;
  /** The complete list of received streams, after each answered subscription offer. */
  onStreams(streams: ReceivedStream[]): void;
  onError(error: ConclaveError): void;
  /**
   * The connection to the meeting is interrupted (a peer connection's ICE is down and being
   * restarted, or the signaling socket dropped and is being resumed), or whole again (MEET-RECONNECT).
   */
  onInterrupted(down: boolean): void;
  /** The session recovered by itself in one of two ways: an ICE restart started, or a resume succeeded. */
  onRecovery(kind: 'iceRestart' | 'resume'): void;
  /**
   * The session, joined and published, ended by itself: its socket closed and could not be resumed,
   * or a media connection failed. `end` is the server's reason when it gave one. Failures before that
   * reject `establish()`.
   */
  onLost(end: ServerEnd | null): void;
}

export interface SessionOptions {
  url: string;
  requestTimeoutMs: number;
  createSocket?: SocketFactory;
  /** Make both peer connections now, ahead of joining (see Room.prepareConnection). */
  preparePeers?: boolean;
  /** Media only through the TURN relays the server gives, whatever the organisation says (NET-TURN). */
  forceRelay?: boolean;
}

/**
 * One attempt at being in the meeting: a signaling socket, the publishing and the subscribing peer
 * connection. It may be opened ahead of joining, so that joining does not wait for the socket nor
 * for making the connections. A lost session is not reused: the room joins again with a new one.
 * It is the local participant's link to the meeting while it lasts.
 */
export class Session implements LocalMediaLink {
  readonly url: string;
  private readonly signaling: SignalingLink;
  private readonly opening: Promise<void>;
  private openingSettled = false;
  /** Connections made ahead of joining, until the publisher and subscriber take them. */
  private peers: PreparedPeers | null;
  private publisher: Publisher | null = null;
  private subscriber: Subscriber | null = null;
  private ice: IceSetup = NO_ICE;
  private readonly forceRelay: boolean;
  /** Once `joined` said the meeting is end-to-end encrypted. */
  private e2ee: SessionEncryption | null = null;
  /** Messages that arrived before the roster was applied. */
  private backlog: ServerMessage[] | null = [];
  private _serverEnd: ServerEnd | null = null;
  /** How this session's place is taken up again on another socket (NET-SCALE). */
  private readonly resumption: Resumption;
  /** Settles once the first subscription offer has been answered (or could not be). */
  private readonly subscribed: Promise<void>;
  private markSubscribed: () => void = () => {};
  /** Who publishes through this session, once it does. */
  private local: LocalParticipant | null = null;
  /** Joined and published; until then a failure is reported by establish() itself. */
  private live = false;
  /** While waiting in the lobby: settles with `joined`, or fails when the wait ends otherwise. */
  private admission: { resolve: (m: ServerMessageOf<'joined'>) => void; reject: (e: Error) => void } | null =
    null;
  private closed = false;
  /**
   * The signaling connection ended for good. Before the session is live nobody is told (`lost`), so
   * joining checks this itself: a join the server ended while it was publishing must fail, not
   * carry on as if connected.
   */
  private signalingEnded = false;
  /** What is down just now: while anything is, the session is interrupted. */
  private readonly down = new Set<'signaling' | 'publisher' | 'subscriber'>();

  constructor(
    options: SessionOptions,
    private readonly observer: SessionObserver,
  ) {
    this.url = options.url;
    this.forceRelay = options.forceRelay === true;
    this.signaling = new SignalingLink({
      url: options.url,
      requestTimeoutMs: options.requestTimeoutMs,
      ...(options.createSocket && { createSocket: options.createSocket }),
    });
    this.resumption = new Resumption(this.signaling);
    this.subscribed = new Promise<void>((resolve) => (this.markSubscribed = resolve));
    this.signaling.on('message', (m) => this.receive(m));
    this.signaling.on('resuming', () => this.interrupt('signaling', true));
    this.signaling.on('resumed', (reply) => {
      // A wait in the lobby goes on as it was: nothing to take.
      if (reply.type === 'joined') {
        if (!this.closed) this.observer.onRecovery('resume');
        this.resumed(reply);
      }
      this.interrupt('signaling', false);
    });
    this.signaling.on('close', () => {
      this.signalingEnded = true;
      this.stopWaiting();
      this.lost(this._serverEnd);
    });
    this.opening = this.signaling.connect();
    this.opening.then(
      () => (this.openingSettled = true),
      () => (this.openingSettled = true),
    );
    this.peers = options.preparePeers ? PreparedPeers.make() : null;
  }

  /** Whether joining can still use this session: its socket is open or still opening. */
  get usable(): boolean {
    return !this.closed && (!this.openingSettled || this.signaling.isOpen);
  }

  /** What the server said when it ended this session, if it did. */
  get serverEnd(): ServerEnd | null {
    return this._serverEnd;
  }

  /**
   * Joins, hands the roster to the observer, then publishes the local participant's media once
   * `media` (its devices) is ready. Resolves once joined and published.
   */
  async establish(request: JoinRequest, local: LocalParticipant, media: Promise<void>): Promise<void> {
    // The socket opens while the regions are measured; both are bounded (measuring by 1.5 s).
    const [, regionRtts] = await Promise.all([this.opening, request.regionRtts]);
    const identityKey = request.e2ee && toBase64Url(request.e2ee.identity.publicKey);
    const reply = await this.signaling.request({
      type: 'join',
      meetingId: request.meetingId,
      ...(request.guestToken !== undefined && { guestToken: request.guestToken }),
      ...(request.displayName !== undefined && { displayName: request.displayName }),
      ...(identityKey !== undefined && { identityKey }),
      ...(request.passcode !== undefined && { passcode: request.passcode }),
      ...(request.egressToken !== undefined && { egressToken: request.egressToken }),
      ...(request.roomSystem && { roomSystem: true as const }),
      ...(regionRtts && Object.keys(regionRtts).length > 0 && { regionRtts }),
      ...(request.videoSubscription === 'chosen' && { videoSubscription: 'chosen' as const }),
    });
    this.assertOpen();
    const as: Identity = {
      type: 'join',
      meetingId: request.meetingId,
      ...(request.guestToken !== undefined && { guestToken: request.guestToken }),
      ...(request.roomSystem && { roomSystem: true as const }),
      ...(identityKey !== undefined && { identityKey }),
    };
    const joined = reply.type === 'waiting' ? await this.waitInLobby(reply, as) : reply;
    this.assertOpen();
    this.ice = this.iceSetup(joined);
    this.resumption.joined(joined, as);
    if (joined.e2ee) {
      // Never joined unencrypted: the server refuses an E2EE meeting to a join without an identity key.
      if (!request.e2ee) throw new ConclaveError('e2ee_unsupported', 'This meeting is end-to-end encrypted');
      this.peers?.forE2ee(Object.keys(E2eeMedia.peerConnectionOptions()).length === 0);
      const ownCodeword = await request.e2ee.ownCodeword;
      this.assertOpen();
      this.e2ee = new SessionEncryption(
        {
          meetingId: request.meetingId,
          participantId: joined.participantId,
          setup: request.e2ee,
          joinInfo: joined.e2ee,
          send: (message) => this.signaling.send(message),
          onState: (state) => this.observer.onE2ee(state),
          onError: (error) => this.observer.onError(error),
        },
        ownCodeword,
      );
    }
    this.observer.onJoined(joined);
    const backlog = this.backlog ?? [];
    this.backlog = null;
    for (const m of backlog) this.receive(m);

    // The others' media first: publishing waits (briefly) for the first subscription to be answered.
    const videoToo = request.videoSubscription !== 'chosen';
    if (expectsSubscription(joined.participants, joined.participantId, videoToo)) {
      await settledWithin(this.subscribed, SUBSCRIBE_FIRST_MAX_MS);
    }
    // A recorder only receives (REC-START): it publishes nothing, and the server would refuse it.
    if (request.egressToken === undefined) {
      await media;
      this.assertOpen();
      this.local = local;
      await local.attach(this);
      this.assertOpen();
    }
    this.live = true;
    this.resumption.goLive();
  }

  async publish(tracks: Record<TrackSource, MediaStreamTrack | null>): Promise<void> {
    this.assertOpen();
    const prepared = this.peers?.takePublisher();
    const { e2ee } = this;
    const publisher = new Publisher(
      this.signaling,
      this.ice,
      {
        onInterrupted: (down) => this.interrupt('publisher', down),
        onFailed: () => this.lost(null),
        onRestart: () => this.restarted(),
      },
      prepared,
      e2ee?.media,
    );
    this.publisher = publisher;
    await publisher.start(e2ee ? { ...tracks, camera: e2ee.outgoing(tracks.camera) } : tracks);
    e2ee?.guard(publisher, () => (this.closed ? null : this.publisher));
  }

  async replaceTrack(source: TrackSource, track: MediaStreamTrack | null): Promise<void> {
    const outgoing = source === 'camera' && this.e2ee ? this.e2ee.outgoing(track) : track;
    await this.publisher?.replaceTrack(source, outgoing);
  }

  async sendMute(source: TrackSource, muted: boolean): Promise<void> {
    if (this.closed) return;
    await this.signaling.request({ type: 'setMute', source, muted });
  }

  /** Sends a moderator's request (admit, reject, mute, remove, promote) and waits for the server's ack. */
  async moderate(request: ModerationRequest): Promise<void> {
    this.assertOpen();
    await this.signaling.request(request);
  }

  /** Starts or stops the recording or live stream, and waits for the server's ack. */
  async controlCapture(type: CaptureControl): Promise<void> {
    this.assertOpen();
    await this.signaling.request({ type });
  }

  /** Whether the meeting is end-to-end encrypted (known once joined). */
  get encrypted(): boolean {
    return this.e2ee !== null;
  }

  /** Says something in the meeting's chat: sealed for the group under E2EE (E2EE-CHAT). */
  async sendChat(body: string): Promise<void> {
    this.assertOpen();
    if (!this.e2ee) {
      await this.signaling.request({ type: 'sendChat', body });
      return;
    }
    const message = await this.e2ee.sealChat(body);
    if (message === null) {
      throw new ConclaveError('invalid_state', 'Chat opens once this device holds the meeting’s keys');
    }
    await this.signaling.request({ type: 'sendEncryptedChat', message });
  }

  /**
   * Lets people in from the lobby. Under E2EE this device signs their admissions now, if it anchors
   * the meeting; otherwise the anchor's device is asked when they arrive (docs/e2ee.md).
   */
  async admit(waiting: readonly WaitingInfo[]): Promise<void> {
    const admissions = (await this.e2ee?.admissions(waiting)) ?? [];
    await this.moderate({
      type: 'admit',
      participantIds: waiting.map((w) => w.id),
      ...(admissions.length > 0 && { admissions }),
    });
  }

  /**
   * Waits for a moderator's decision; the lobby's answer to the join was `waiting`. Meanwhile the
   * wait, not the join, is what a dropped socket resumes (NET-SCALE), where the server offers it.
   */
  private waitInLobby(waiting: ServerMessageOf<'waiting'>, as: Identity): Promise<ServerMessageOf<'joined'>> {
    const admitted = new Promise<ServerMessageOf<'joined'>>((resolve, reject) => {
      this.admission = { resolve, reject };
    });
    this.resumption.waiting(waiting, as);
    this.observer.onWaiting(waiting);
    return admitted;
  }

  /** The lobby wait ended without `joined`: rejected, timed out, or the connection went. */
  private stopWaiting(): void {
    const admission = this.admission;
    if (!admission) return;
    this.admission = null;
    const end = this._serverEnd;
    admission.reject(
      end?.reason === 'rejected'
        ? new SignalingError('rejected', end.message)
        : new ConclaveError('connection_closed', end?.message || 'The connection closed while waiting'),
    );
  }

  /**
   * The meeting moved to another media server: both connections go, the local participant publishes
   * again on a fresh one (same tracks, same E2EE transforms and keys), and the server's next offer
   * brings the others back. A failure here is a lost session: the room joins again.
   */
  private async restartMedia(): Promise<void> {
    const local = this.local;
    if (!this.live || this.closed) return;
    this.publisher?.close();
    this.publisher = null;
    this.subscriber?.close();
    this.subscriber = null;
    // Fresh connections: whatever the old ones said about being down no longer holds.
    this.interrupt('publisher', false);
    this.interrupt('subscriber', false);
    this.observer.onStreams([]);
    try {
      // Receiving only (a recorder): the server's next offer is all there is to wait for.
      await local?.attach(this);
    } catch {
      this.lost(null);
    }
  }

  /**
   * The participation goes on elsewhere: the link took it up on a new socket, or the server moved it
   * to another node and said so unasked. Only the roster is taken; the peer connections talk to the
   * media server, which is the same.
   */
  private resumed(joined: ServerMessageOf<'joined'>): void {
    if (this.closed || !this.resumption.resumed(joined)) return;
    // Fresh TURN credentials, for connections made later (a media restart).
    this.ice = this.iceSetup(joined);
    this.observer.onResumed(joined);
  }

  /** Tells the server this participant leaves, waiting briefly for it to confirm. */
  async leave(): Promise<void> {
    if (!this.signaling.isOpen) return;
    await this.signaling.request({ type: 'leave' }, 1500).catch(() => undefined);
  }

  /** Asks the server for these simulcast layers of the cameras received (MEET-QUALITY). */
  async setVideoLayers(layers: LayerRequest[]): Promise<void> {
    if (this.closed || !this.subscriber) return;
    await this.signaling.request({ type: 'setVideoLayers', layers });
  }

  /** Tells the server which videos this client shows (MEET-QUALITY). */
  async setView(video: ViewEntry[]): Promise<void> {
    if (this.closed) return;
    await this.signaling.request({ type: 'setView', video });
  }

  /** Both connections' stats, for connection quality and the bandwidth rule. */
  async qualityStats(): Promise<{
    received: { reports: ConnectionStats; streams: StreamOwner[] } | null;
    sent: ConnectionStats | null;
  }> {
    const [received, sent] = await Promise.all([
      this.subscriber?.qualityStats() ?? null,
      this.publisher?.getStats() ?? null,
    ]);
    return { received, sent: sent && [...(sent.values() as Iterable<ConnectionStats[number]>)] };
  }

  /** Receive counters of every remote track currently subscribed. */
  async getStats(): Promise<MediaStats[]> {
    return this.subscriber ? this.subscriber.getStats() : [];
  }

  /** Closes the socket and every connection; the observer hears nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.e2ee?.close();
    this.publisher?.close();
    this.subscriber?.close();
    this.peers?.close();
    this.peers = null;
    this.signaling.close();
    this.stopWaiting();
    this.markSubscribed();
  }

  private receive(message: ServerMessage): void {
    if (this.closed) return;
    if (message.type === 'joined' && this.admission) {
      const { resolve } = this.admission;
      this.admission = null;
      resolve(message);
      return;
    }
    if (this.backlog && message.type !== 'disconnected' && message.type !== 'error') {
      this.backlog.push(message);
      return;
    }
    switch (message.type) {
      case 'participantJoined':
      case 'participantUpdated':
      case 'participantLeft':
        this.observer.onRoster(message);
        break;
      case 'activeSpeakers':
        this.observer.onActiveSpeakers(message.participantIds);
        break;
      case 'lobby':
      case 'mutedByModerator':
      case 'unmuteAllowed':
        this.observer.onModeration(message);
        break;
      case 'subscriptionOffer':
        void this.subscriberNow().handleOffer(message.sdp, message.streams);
        break;
      case 'streamsSwitched':
        this.subscriber?.handleSwitch(message.streams);
        break;
      case 'trickle':
        if (message.target === 'publisher') this.publisher?.addRemoteCandidate(message.candidate);
        else this.subscriberNow().addRemoteCandidate(message.candidate);
        break;
      case 'e2eeCreateGroup':
      case 'e2eeAdmissionRequest':
      case 'e2eeAdmitted':
      case 'e2eeProposal':
      case 'e2eeCommitRequest':
      case 'e2eeCommit':
      case 'e2eeWelcome':
      case 'e2eeExecute':
        this.e2ee?.handle(message);
        break;
      case 'chatHistory':
        this.observer.onChat({ kind: 'history', enabled: message.enabled, lines: message.messages });
        break;
      case 'chat':
        this.observer.onChat({ kind: 'line', line: message.message });
        break;
      case 'encryptedChat':
        void this.openChat(message);
        break;
      case 'recordingChanged':
      case 'streamChanged':
      case 'captureRights':
        this.observer.onCapture(message);
        break;
      case 'mediaMoved':
        void this.restartMedia();
        break;
      case 'joined':
        if (message.resumed === true) this.resumed(message);
        break;
      case 'disconnected':
        this._serverEnd = { reason: message.reason, message: message.message };
        break;
      case 'error':
        this.observer.onError(
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

  /**
   * Opens an E2EE chat message in turn with the group's commits. One this client cannot open (sent
   * before it joined), or whose MLS sender is not the participant the server names, is dropped.
   */
  private async openChat({ message, id, participantId, sentAt }: ServerMessageOf<'encryptedChat'>) {
    const opened = await this.e2ee?.openChat(message).catch(() => null);
    if (this.closed || !opened || opened.participantId !== participantId) return;
    this.observer.onChat({ kind: 'sealed', line: { id, participantId, sentAt, body: opened.body } });
  }

  private iceSetup(joined: ServerMessageOf<'joined'>): IceSetup {
    const relayOnly = this.forceRelay || joined.iceTransportPolicy === 'relay';
    return { servers: joined.iceServers, relayOnly };
  }

  private subscriberNow(): Subscriber {
    if (!this.subscriber) {
      const prepared = this.peers?.takeSubscriber();
      this.subscriber = new Subscriber(
        this.signaling,
        this.ice,
        {
          onStreams: (streams) => {
            this.observer.onStreams(streams);
            this.markSubscribed();
          },
          onError: (error) => {
            this.observer.onError(error);
            this.markSubscribed();
          },
          onInterrupted: (down) => this.interrupt('subscriber', down),
          onFailed: () => this.lost(null),
          onRestart: () => this.restarted(),
        },
        prepared,
        this.e2ee?.media,
      );
    }
    return this.subscriber;
  }

  /** One part went down or came back: the observer hears when the whole goes from one to the other. */
  private interrupt(part: 'signaling' | 'publisher' | 'subscriber', down: boolean): void {
    const before = this.down.size > 0;
    if (down) this.down.add(part);
    else this.down.delete(part);
    const now = this.down.size > 0;
    if (!this.closed && this.live && before !== now) this.observer.onInterrupted(now);
  }

  private restarted(): void {
    if (!this.closed) this.observer.onRecovery('iceRestart');
  }

  private lost(end: ServerEnd | null): void {
    if (this.closed || !this.live) return;
    this.observer.onLost(end);
  }

  private assertOpen(): void {
    if (this.closed || this.signalingEnded)
      throw new ConclaveError('connection_closed', 'The connection closed while joining');
  }
}

/** Peer connections made ahead; none where WebRTC is missing (the session makes them when needed). */
