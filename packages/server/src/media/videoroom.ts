import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  isJanusError,
  JanusError,
  VideoRoomErrorCode,
  VIDEOROOM_PLUGIN,
  type IceCandidateInit,
  type JanusHandle,
  type JanusSession,
  type Jsep,
  type MediaEvent,
  type PluginReply,
} from './janus-client';

/*
 * A typed VideoRoom API in the spirit of mediasoup's explicit objects: a VideoRoom owns its
 * Janus room; a Publisher is one participant's sending PeerConnection; a Subscriber is one
 * participant's multistream receiving PeerConnection, whose stream list it keeps in sync with
 * what the caller wants, one renegotiation at a time.
 */

/** A request that makes no sense in the object's current state (e.g. an answer nobody asked for). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** Janus room and feed ids are integers; staying below 2^53 keeps them exact in JSON and JS. */
const randomId = () => randomInt(1, 2 ** 48);

export interface RoomOptions {
  description?: string;
  /** Concurrent publishers allowed (default 100). */
  publishers?: number;
  /** Passed as `admin_key` so that creating rooms stays reserved to the control plane. */
  adminKey?: string;
  /**
   * Publishers must send end-to-end encrypted media (insertable streams), and video is VP8 only:
   * SFrame leaves VP8's payload header in clear for Janus to packetize, while H.264 packetization
   * needs the NAL units that encryption hides.
   */
  requireE2ee?: boolean;
  /** Max video bitrate per publisher in bit/s (default 2 Mbit/s). */
  bitrate?: number;
}

/** A VideoRoom in Janus, created with a random id and a random secret only we know. */
export class VideoRoom {
  private destroyed = false;

  private constructor(
    readonly session: JanusSession,
    private readonly control: JanusHandle,
    readonly id: number,
    private readonly secret: string,
  ) {}

  /** Creates a room on a fresh control handle of `session`. */
  static async create(session: JanusSession, options: RoomOptions = {}): Promise<VideoRoom> {
    const control = await session.attach(VIDEOROOM_PLUGIN);
    try {
      const secret = randomBytes(18).toString('base64url');
      for (let attempt = 0; ; attempt++) {
        const id = randomId();
        try {
          await control.send({
            request: 'create',
            room: id,
            permanent: false,
            description: options.description ?? `room ${id}`,
            secret,
            is_private: true,
            publishers: options.publishers ?? 100,
            bitrate: options.bitrate ?? 2_000_000,
            fir_freq: 10,
            audiocodec: 'opus',
            videocodec: options.requireE2ee ? 'vp8' : 'vp8,h264',
            notify_joining: false,
            ...(options.requireE2ee && { require_e2ee: true }),
            ...(options.adminKey !== undefined && { admin_key: options.adminKey }),
          });
          return new VideoRoom(session, control, id, secret);
        } catch (err) {
          if (attempt < 3 && isJanusError(err, 'plugin', VideoRoomErrorCode.roomExists)) continue;
          throw err;
        }
      }
    } catch (err) {
      await control.detach().catch(() => undefined);
      throw err;
    }
  }

  /**
   * The room as another control-plane node left it (NET-SCALE): its session claimed by this node,
   * its control handle adopted by id.
   */
  static adopt(session: JanusSession, state: VideoRoomState): VideoRoom {
    return new VideoRoom(session, session.adoptHandle(state.controlHandleId), state.id, state.secret);
  }

  /** What another node needs to take this room over (its secret included: keep it where nodes trust). */
  state(): VideoRoomState {
    return { id: this.id, secret: this.secret, controlHandleId: this.control.id };
  }

  /** Asks Janus whether a room exists (any handle of the plugin may ask). */
  static async exists(handle: JanusHandle, room: number): Promise<boolean> {
    const reply = await handle.send({ request: 'exists', room });
    return reply.data.exists === true;
  }

  get isOpen(): boolean {
    return !this.destroyed && this.control.isOpen;
  }

  async exists(): Promise<boolean> {
    return VideoRoom.exists(this.control, this.id);
  }

  /** Destroys the room (Janus kicks whoever is left) and detaches the control handle. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      if (this.control.isOpen)
        await this.control.send({ request: 'destroy', room: this.id, secret: this.secret });
    } catch (err) {
      if (!isJanusError(err, 'plugin', VideoRoomErrorCode.noSuchRoom) && !isJanusError(err, 'closed'))
        throw err;
    } finally {
      await this.control.detach().catch(() => undefined);
    }
  }

  /** Attaches a handle and joins the room as a (not yet publishing) publisher. */
  async joinAsPublisher(options: { display: string; opaqueId?: string }): Promise<Publisher> {
    const handle = await this.session.attach(VIDEOROOM_PLUGIN, options.opaqueId);
    try {
      for (let attempt = 0; ; attempt++) {
        const feedId = randomId();
        try {
          const reply = await handle.send({
            request: 'join',
            ptype: 'publisher',
            room: this.id,
            id: feedId,
            display: options.display,
          });
          const privateId = typeof reply.data.private_id === 'number' ? reply.data.private_id : undefined;
          return new Publisher(this, handle, feedId, privateId);
        } catch (err) {
          if (attempt < 3 && isJanusError(err, 'plugin', VideoRoomErrorCode.idExists)) continue;
          throw err;
        }
      }
    } catch (err) {
      await handle.detach().catch(() => undefined);
      throw err;
    }
  }

  /** A subscriber for one participant; it attaches its handle when it first has streams. */
  createSubscriber(options: SubscriberOptions = {}): Subscriber {
    return new Subscriber(this, options);
  }

  /** A publisher another node made in this room (see `adopt`). */
  adoptPublisher(state: PublisherState): Publisher {
    return new Publisher(
      this,
      this.session.adoptHandle(state.handleId),
      state.feedId,
      state.privateId,
      state,
    );
  }

  /** A subscriber another node made in this room (see `adopt`); it carries `state.streams`. */
  adoptSubscriber(options: SubscriberOptions, state: SubscriberState): Subscriber {
    return new Subscriber(this, options, {
      handle: this.session.adoptHandle(state.handleId),
      streams: state.streams,
    });
  }

  /** The feeds publishing in the room now, as Janus lists them. */
  async publishingFeeds(): Promise<Set<number>> {
    const reply = await this.control.send({ request: 'listparticipants', room: this.id });
    const list = Array.isArray(reply.data.participants) ? (reply.data.participants as unknown[]) : [];
    const feeds = new Set<number>();
    for (const entry of list) {
      const p = entry as Record<string, unknown>;
      if (typeof p.id === 'number' && p.publisher === true) feeds.add(p.id);
    }
    return feeds;
  }
}

/** A VideoRoom as another control-plane node can take it over. */
export interface VideoRoomState {
  id: number;
  secret: string;
  controlHandleId: number;
}

/** A Publisher as another control-plane node can take it over. */
export interface PublisherState {
  handleId: number;
  feedId: number;
  privateId?: number;
  streams: PublishedStream[];
  /** Published and its PeerConnection up. */
  active: boolean;
}

/** A Subscriber with a handle, as another control-plane node can take it over. */
export interface SubscriberState {
  handleId: number;
  streams: SubscribedStream[];
}

export interface PublishedStream {
  mid: string;
  type: 'audio' | 'video' | 'data';
  description?: string;
  codec?: string;
}

export interface PublishResult {
  sdp: string;
  streams: PublishedStream[];
}

type PublisherEvents = {
  /** The PeerConnection is up: from now on the feed can be subscribed to. */
  active: [];
  /** The PeerConnection went down; subscriptions to this feed are void. */
  inactive: [reason: string];
  media: [event: MediaEvent];
  /** One of Janus's own candidates (only with full-trickle; null ends them). */
  trickle: [candidate: IceCandidateInit | null];
  /** The handle is gone (closed, refused publish, session or connection lost). */
  closed: [reason: string];
};

/**
 * One participant's sending PeerConnection. A handle whose publish was refused is never reused:
 * a failed publish closes the Publisher and the caller joins again with a fresh one.
 */
export class Publisher extends EventEmitter<PublisherEvents> {
  private published = false;
  private up = false;
  private isClosed = false;
  private streamList: PublishedStream[] = [];

  /** @internal Use `VideoRoom.joinAsPublisher`. */
  constructor(
    readonly room: VideoRoom,
    private readonly handle: JanusHandle,
    /** The feed id other participants subscribe to. */
    readonly feedId: number,
    readonly privateId: number | undefined,
    /** Taken over from another node: as published as it was there. */
    adopted?: PublisherState,
  ) {
    super();
    if (adopted) {
      this.published = adopted.streams.length > 0 || adopted.active;
      this.up = adopted.active;
      this.streamList = adopted.streams;
    }
    handle.on('webrtcup', () => {
      if (!this.published || this.up) return;
      this.up = true;
      this.emit('active');
    });
    handle.on('hangup', (reason) => this.wentDown(reason));
    handle.on('media', (event) => this.emit('media', event));
    handle.on('trickle', (candidate) => this.emit('trickle', candidate));
    handle.on('detached', (reason) => this.markClosed(reason));
  }

  /** Published and the PeerConnection is up. */
  get active(): boolean {
    return this.up && !this.isClosed;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get streams(): readonly PublishedStream[] {
    return this.streamList;
  }

  /**
   * Sends the client's offer; resolves with Janus's answer. The first call publishes; later calls
   * renegotiate the same PeerConnection (`configure` with a new offer).
   */
  async publish(
    offerSdp: string,
    descriptions: Array<{ mid: string; description: string }>,
    options: { e2ee?: boolean } = {},
  ): Promise<PublishResult> {
    if (this.isClosed) throw new JanusError('closed', 'Publisher is closed');
    const jsep: Jsep = { type: 'offer', sdp: offerSdp, ...(options.e2ee && { e2ee: true }) };
    let reply: PluginReply;
    try {
      reply = await this.handle.send(
        { request: this.published ? 'configure' : 'publish', descriptions },
        jsep,
      );
    } catch (err) {
      // Janus may keep half-built state on a refused handle: never reuse it.
      await this.close();
      throw err;
    }
    if (reply.jsep?.type !== 'answer') {
      await this.close();
      throw new JanusError('plugin', 'Janus answered a publish without an SDP answer');
    }
    this.published = true;
    this.streamList = parsePublishedStreams(reply.data.streams);
    return { sdp: reply.jsep.sdp, streams: this.streamList };
  }

  state(): PublisherState {
    return {
      handleId: this.handle.id,
      feedId: this.feedId,
      ...(this.privateId !== undefined && { privateId: this.privateId }),
      streams: this.streamList,
      active: this.active,
    };
  }

  /** Starts or stops relaying one published stream to subscribers (a muted track costs nothing). */
  async setSend(mid: string, send: boolean): Promise<void> {
    if (this.isClosed) throw new JanusError('closed', 'Publisher is closed');
    // Receivers cannot decode resumed video until a keyframe comes: ask the sender for one now.
    await this.handle.send({
      request: 'configure',
      streams: [{ mid, send }],
      ...(send && { keyframe: true }),
    });
  }

  async trickle(candidate: IceCandidateInit | null): Promise<void> {
    await this.handle.trickle(candidate);
  }

  /** Leaves the room and detaches; Janus tells the room the feed is gone. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.handle.detach().catch(() => undefined);
    this.markClosed('closed');
  }

  private wentDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    this.emit('inactive', reason);
  }

  private markClosed(reason: string): void {
    if (this.isClosed) return;
    this.wentDown(reason);
    this.isClosed = true;
    this.emit('closed', reason);
  }
}

function parsePublishedStreams(value: unknown): PublishedStream[] {
  if (!Array.isArray(value)) return [];
  const out: PublishedStream[] = [];
  for (const s of value as Array<Record<string, unknown>>) {
    if (typeof s.mid !== 'string' || s.disabled === true) continue;
    if (s.type !== 'audio' && s.type !== 'video' && s.type !== 'data') continue;
    out.push({
      mid: s.mid,
      type: s.type,
      ...(typeof s.description === 'string' && { description: s.description }),
      ...(typeof s.codec === 'string' && { codec: s.codec }),
    });
  }
  return out;
}

/** A publisher's stream to receive: the feed and the publisher-side mid. */
export interface StreamSource {
  feed: number;
  mid: string;
}

/** One m-line of the subscriber PeerConnection. */
export interface SubscribedStream {
  /** The subscriber-side mid (what the client's transceiver sees). */
  mid: string;
  type: 'audio' | 'video' | 'data';
  feed: number;
  feedMid: string;
}

interface SubscriptionOffer {
  sdp: string;
  streams: SubscribedStream[];
}

export interface SubscriberOptions {
  /** The subscribing participant's publisher private_id, when it has one. */
  privateId?: number;
  opaqueId?: string;
  /** Warn when a client takes longer than this to answer an offer (default 15 s). */
  answerTimeoutMs?: number;
}

type SubscriberEvents = {
  /** A new offer for the client, with the full list of streams it now carries. */
  offer: [offer: SubscriptionOffer];
  /** A renegotiation failed; the subscription stays as it was. */
  error: [err: Error];
  webrtcup: [];
  hangup: [reason: string];
  /** One of Janus's own candidates (only with full-trickle; null ends them). */
  trickle: [candidate: IceCandidateInit | null];
  closed: [reason: string];
};

const key = (s: StreamSource) => `${s.feed}\u0000${s.mid}`;

/**
 * One participant's multistream subscription. Callers state what it should carry with
 * `setStreams`; it reconciles with Janus (join, then `update` with subscribe/unsubscribe lists),
 * one renegotiation in flight at a time, coalescing changes that arrive meanwhile. Each offer
 * must be answered with `answer()` before the next one is made.
 */
export class Subscriber extends EventEmitter<SubscriberEvents> {
  private handle: JanusHandle | null = null;
  private desired = new Map<string, StreamSource>();
  private current: SubscribedStream[] = [];
  private running = false;
  private isClosed = false;
  private awaitingAnswer: { resolve: () => void; reject: (err: Error) => void } | null = null;

  /** @internal Use `VideoRoom.createSubscriber`. */
  constructor(
    readonly room: VideoRoom,
    private readonly options: SubscriberOptions,
    /** Taken over from another node: its handle and the streams it carries. */
    adopted?: { handle: JanusHandle; streams: SubscribedStream[] },
  ) {
    super();
    if (adopted) {
      this.handle = this.listen(adopted.handle);
      this.current = adopted.streams;
      this.desired = new Map(
        adopted.streams.map((s) => [key({ feed: s.feed, mid: s.feedMid }), { feed: s.feed, mid: s.feedMid }]),
      );
    }
  }

  /** What another node needs to take this subscription over; null before it has a handle. */
  state(): SubscriberState | null {
    return this.handle ? { handleId: this.handle.id, streams: this.current } : null;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The streams of the last offer. */
  get streams(): readonly SubscribedStream[] {
    return this.current;
  }

  /** An offer was sent and its answer has not arrived yet. */
  get negotiating(): boolean {
    return this.awaitingAnswer !== null;
  }

  /** States the full set of streams to receive; renegotiates when it differs from the current one. */
  setStreams(streams: StreamSource[]): void {
    if (this.isClosed) return;
    this.desired = new Map(streams.map((s) => [key(s), s]));
    void this.reconcile();
  }

  /** Completes the pending negotiation with the client's SDP answer (`start`). */
  async answer(sdp: string): Promise<void> {
    const waiting = this.awaitingAnswer;
    if (!waiting || !this.handle)
      throw new InvalidStateError('No subscription offer is waiting for an answer');
    try {
      await this.handle.send({ request: 'start' }, { type: 'answer', sdp });
      waiting.resolve();
    } catch (err) {
      waiting.reject(err as Error);
      throw err;
    }
  }

  async trickle(candidate: IceCandidateInit | null): Promise<void> {
    if (!this.handle) throw new InvalidStateError('No subscription to trickle to');
    await this.handle.trickle(candidate);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.handle?.detach().catch(() => undefined);
    this.markClosed('closed');
  }

  private async reconcile(): Promise<void> {
    if (this.running) return; // the loop below picks the change up
    this.running = true;
    try {
      // Bounded, so that a stream Janus keeps refusing cannot spin us forever.
      for (let round = 0; round < 20 && !this.isClosed; round++) {
        const have = new Map(this.current.map((s) => [key({ feed: s.feed, mid: s.feedMid }), s]));
        const add = [...this.desired.entries()].filter(([k]) => !have.has(k)).map(([, s]) => s);
        const remove = [...have.entries()].filter(([k]) => !this.desired.has(k)).map(([, s]) => s);
        if (add.length === 0 && remove.length === 0) return;
        let reply: PluginReply;
        try {
          reply = await this.renegotiate(add, remove);
        } catch (err) {
          if (this.isClosed) return;
          this.emit('error', err as Error);
          if (isJanusError(err, 'plugin', VideoRoomErrorCode.noSuchFeed) && add.length > 0) {
            // A feed went away while we asked for it: forget what we asked and try again.
            for (const s of add) this.desired.delete(key(s));
            continue;
          }
          return;
        }
        if (Array.isArray(reply.data.streams)) this.current = parseSubscribedStreams(reply.data.streams);
        else if (remove.length > 0) this.current = this.current.filter((s) => !remove.includes(s));
        // Janus silently skips streams it cannot offer (e.g. disabled ones): do not ask again.
        const now = new Set(this.current.map((s) => key({ feed: s.feed, mid: s.feedMid })));
        for (const s of add) if (!now.has(key(s))) this.desired.delete(key(s));
        if (reply.jsep?.type === 'offer') await this.offer(reply.jsep.sdp);
      }
    } finally {
      this.running = false;
    }
  }

  private async renegotiate(add: StreamSource[], remove: SubscribedStream[]): Promise<PluginReply> {
    const subscribe = add.map((s) => ({ feed: s.feed, mid: s.mid }));
    if (!this.handle) {
      if (subscribe.length === 0) return { data: {} };
      this.handle = await this.attach();
      return this.handle.send({
        request: 'join',
        ptype: 'subscriber',
        room: this.room.id,
        streams: subscribe,
        // We decide when to renegotiate, not Janus (no offers we did not ask for).
        autoupdate: false,
        ...(this.options.privateId !== undefined && { private_id: this.options.privateId }),
      });
    }
    const unsubscribe = remove.map((s) => ({ sub_mid: s.mid }));
    const reply = await this.handle.send({
      request: 'update',
      ...(subscribe.length > 0 && { subscribe }),
      ...(unsubscribe.length > 0 && { unsubscribe }),
    });
    if (reply.data.videoroom === 'updating') return this.nextUpdated();
    return reply;
  }

  /** Janus postponed our update behind one of its own renegotiations: its offer comes as an event. */
  private nextUpdated(): Promise<PluginReply> {
    const handle = this.handle!;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        handle.off('event', onEvent);
        reject(new JanusError('timeout', 'Janus never sent the postponed subscription update'));
      }, 10_000);
      const onEvent = (data: Record<string, unknown>, jsep: Jsep | undefined) => {
        if (data.videoroom !== 'updated') return;
        clearTimeout(timer);
        handle.off('event', onEvent);
        resolve({ data, ...(jsep && { jsep }) });
      };
      handle.on('event', onEvent);
    });
  }

  private async attach(): Promise<JanusHandle> {
    return this.listen(await this.room.session.attach(VIDEOROOM_PLUGIN, this.options.opaqueId));
  }

  private listen(handle: JanusHandle): JanusHandle {
    handle.on('webrtcup', () => this.emit('webrtcup'));
    handle.on('hangup', (reason) => this.emit('hangup', reason));
    handle.on('trickle', (candidate) => this.emit('trickle', candidate));
    handle.on('detached', (reason) => this.markClosed(reason));
    return handle;
  }

  /** Hands an offer to the client and waits for its answer (or for the subscriber to close). */
  private offer(sdp: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const timeoutMs = this.options.answerTimeoutMs ?? 15_000;
      const timer = setTimeout(() => {
        this.emit(
          'error',
          new JanusError('timeout', `No answer to the subscription offer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.off('closed', done);
        this.awaitingAnswer = null;
        resolve();
      };
      // A refused answer leaves the offer outstanding: the client may answer again.
      this.awaitingAnswer = { resolve: done, reject: (err) => this.emit('error', err) };
      this.once('closed', done);
      this.emit('offer', { sdp, streams: this.current });
    });
  }

  private markClosed(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handle = null;
    this.emit('closed', reason);
  }
}

function parseSubscribedStreams(value: unknown[]): SubscribedStream[] {
  const out: SubscribedStream[] = [];
  for (const s of value as Array<Record<string, unknown>>) {
    // Janus keeps removed m-lines as inactive slots: they carry no feed.
    if (s.active === false || typeof s.mid !== 'string' || typeof s.feed_id !== 'number') continue;
    if (typeof s.feed_mid !== 'string') continue;
    if (s.type !== 'audio' && s.type !== 'video' && s.type !== 'data') continue;
    out.push({ mid: s.mid, type: s.type, feed: s.feed_id, feedMid: s.feed_mid });
  }
  return out;
}
