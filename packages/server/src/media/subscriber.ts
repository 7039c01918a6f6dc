import { EventEmitter } from 'node:events';
import {
  isJanusError,
  JanusError,
  VideoRoomErrorCode,
  VIDEOROOM_PLUGIN,
  type IceCandidateInit,
  type JanusHandle,
  type PluginReply,
  type Jsep,
} from './janus-client';
import { alignFormatParameters } from './sdp';
import {
  pairKey,
  pairUp,
  parseSubscribedStreams,
  streamKey as key,
  type LayerChoice,
  type StreamSource,
  type SubscribedStream,
} from './subscribed-streams';
import type { VideoRoom } from './videoroom';

/** A request that makes no sense in the object's current state (e.g. an answer nobody asked for). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** A Subscriber with a handle, as another control-plane node can take it over. */
export interface SubscriberState {
  handleId: number;
  streams: SubscribedStream[];
  /** The offer its client had not answered yet: Janus still waits for that answer. */
  offer?: string;
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
  /** Streams that now carry another publisher's media on the same m-line (no new offer). */
  switched: [streams: SubscribedStream[]];
  /** A renegotiation failed; the subscription stays as it was. */
  error: [err: Error];
  webrtcup: [];
  hangup: [reason: string];
  /** One of Janus's own candidates (only with full-trickle; null ends them). */
  trickle: [candidate: IceCandidateInit | null];
  closed: [reason: string];
};

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
  /** The offer `awaitingAnswer` waits on. */
  private offered: string | null = null;
  /** The client asked for an ICE restart: the next offer brings new credentials. */
  private restartWanted = false;
  /** The feeds publishing, as the caller last said (null: unknown, nothing is switched). */
  private live: ReadonlySet<number> | null = null;

  /** @internal Use `VideoRoom.createSubscriber`. */
  constructor(
    readonly room: VideoRoom,
    private readonly options: SubscriberOptions,
    /** Taken over from another node: its handle and the streams it carries. */
    adopted?: { handle: JanusHandle; streams: SubscribedStream[]; offer?: string },
  ) {
    super();
    if (adopted) {
      this.handle = this.listen(adopted.handle);
      this.current = adopted.streams;
      if (adopted.offer !== undefined) this.awaitAdoptedAnswer(adopted.offer);
      this.desired = new Map(
        adopted.streams.map((s) => [key({ feed: s.feed, mid: s.feedMid }), { feed: s.feed, mid: s.feedMid }]),
      );
    }
  }

  /** What another node needs to take this subscription over; null before it has a handle. */
  state(): SubscriberState | null {
    if (!this.handle) return null;
    return {
      handleId: this.handle.id,
      streams: this.current,
      ...(this.awaitingAnswer && this.offered !== null && { offer: this.offered }),
    };
  }

  /** The offer the client has yet to answer, if any: to send it again to a client that resumed. */
  get pendingOffer(): string | null {
    return this.awaitingAnswer ? this.offered : null;
  }

  /**
   * Taken over while its client had an offer to answer: Janus waits for that answer, so nothing is
   * renegotiated until it comes (or the subscriber closes).
   */
  private awaitAdoptedAnswer(offer: string): void {
    this.running = true;
    this.offered = offer;
    const done = () => {
      this.off('closed', done);
      this.awaitingAnswer = null;
      this.offered = null;
      this.running = false;
      void this.reconcile();
    };
    // Refused: the answer had reached Janus before the takeover, and Janus waits for nothing now.
    this.awaitingAnswer = {
      resolve: done,
      reject: () => done(),
    };
    this.once('closed', done);
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

  /**
   * States the full set of streams to receive; renegotiates when it differs from the current one.
   * `live`: the feeds publishing now. Only an m-line whose source still publishes can be switched
   * to another one in place: Janus would renegotiate one whose publisher left on its own.
   */
  setStreams(streams: StreamSource[], live?: ReadonlySet<number>): void {
    if (this.isClosed) return;
    this.desired = new Map(streams.map((s) => [key(s), s]));
    this.live = live ?? null;
    void this.reconcile();
  }

  /**
   * The client's receiving connection lost its way to Janus (MEET-RECONNECT): Janus makes an offer
   * with new ICE credentials (`configure` with `restart`), after any offer still waiting for its
   * answer, and it goes to the client as any other. False when there is no subscription yet.
   */
  restartIce(): boolean {
    if (this.isClosed || !this.handle) return false;
    this.restartWanted = true;
    void this.reconcile();
    return true;
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

  /**
   * Picks the simulcast layer Janus relays on each named m-line (`configure`; no renegotiation:
   * Janus switches at the layer's next key frame, which it asks the publisher for).
   */
  async configureLayers(layers: readonly LayerChoice[]): Promise<void> {
    if (!this.handle) throw new InvalidStateError('No subscription to configure');
    await this.handle.send({
      request: 'configure',
      streams: layers.map((l) => ({ mid: l.mid, substream: l.substream, temporal: l.temporal })),
    });
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
    /** Pairs Janus would not switch: they are renegotiated instead. */
    const unswitchable = new Set<string>();
    try {
      // Bounded, so that a stream Janus keeps refusing cannot spin us forever.
      for (let round = 0; round < 20 && !this.isClosed; round++) {
        const have = new Map(this.current.map((s) => [key({ feed: s.feed, mid: s.feedMid }), s]));
        const add = [...this.desired.entries()].filter(([k]) => !have.has(k)).map(([, s]) => s);
        const remove = [...have.entries()].filter(([k]) => !this.desired.has(k)).map(([, s]) => s);
        if (this.restartWanted && this.handle) {
          this.restartWanted = false;
          const restarted = await this.restart();
          if (restarted) await this.offer(restarted);
          continue;
        }
        if (add.length === 0 && remove.length === 0) return;
        // A stream that replaces one of its kind takes its m-line over: no SDP, no renegotiation.
        const { live } = this;
        const switchable = live ? remove.filter((s) => live.has(s.feed)) : [];
        const pairs = this.handle ? pairUp(add, switchable, unswitchable) : [];
        if (pairs.length > 0) {
          await this.switchSources(pairs, unswitchable);
          continue;
        }
        let reply: PluginReply;
        const updating = this.handle !== null;
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
        if (reply.jsep?.type === 'offer') {
          await this.offer(reply.jsep.sdp);
          if (updating) await this.requestKeyFrames(add);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Points m-lines at other publishers' streams (`switch`). Janus skips what it cannot switch (another
   * codec, a feed gone): those pairs are remembered and renegotiated in the next round.
   */
  private async switchSources(
    pairs: ReadonlyArray<{ from: SubscribedStream; to: StreamSource }>,
    unswitchable: Set<string>,
  ): Promise<void> {
    let reply: PluginReply;
    try {
      reply = await this.handle!.send({
        request: 'switch',
        streams: pairs.map(({ from, to }) => ({ feed: to.feed, mid: to.mid, sub_mid: from.mid })),
      });
    } catch (err) {
      if (this.isClosed) return;
      this.emit('error', err as Error);
      for (const pair of pairs) unswitchable.add(pairKey(pair));
      return;
    }
    if (Array.isArray(reply.data.streams)) this.current = parseSubscribedStreams(reply.data.streams);
    const switched: SubscribedStream[] = [];
    for (const pair of pairs) {
      const now = this.current.find((s) => s.mid === pair.from.mid);
      if (now && now.feed === pair.to.feed && now.feedMid === pair.to.mid) switched.push(now);
      else unswitchable.add(pairKey(pair));
    }
    if (switched.length === 0) return;
    this.emit('switched', switched);
    // Janus restarts a switched m-line on the highest layer: the one asked for comes first.
    const layers = pairs.flatMap(({ from, to }) =>
      to.substream === undefined || from.type !== 'video'
        ? []
        : [{ mid: from.mid, substream: to.substream, temporal: 2 }],
    );
    if (layers.length > 0) await this.configureLayers(layers).catch((err: Error) => this.emit('error', err));
  }

  /**
   * Asks the publishers of the videos an `update` added for a key frame, once the client's answer is
   * in (`configure` with `send`: Janus asks on that). Janus asks by itself only when a subscription
   * starts or switches; without it, a new video waits until the browser notices it cannot decode and
   * asks, hundreds of milliseconds later: a newcomer's first page, or a page flip, shows late.
   */
  private async requestKeyFrames(added: readonly StreamSource[]): Promise<void> {
    if (this.isClosed || !this.handle) return;
    const wanted = new Set(added.map(key));
    const mids = this.current
      .filter((s) => s.type === 'video' && wanted.has(key({ feed: s.feed, mid: s.feedMid })))
      .map((s) => s.mid);
    if (mids.length === 0) return;
    // Only speed is lost when it fails: the browser asks for the key frame itself.
    await this.handle
      .send({ request: 'configure', streams: mids.map((mid) => ({ mid, send: true })) })
      .catch(() => undefined);
  }

  private async renegotiate(add: StreamSource[], remove: SubscribedStream[]): Promise<PluginReply> {
    const subscribe = add.map((s) => ({
      feed: s.feed,
      mid: s.mid,
      ...(s.substream !== undefined && { substream: s.substream }),
    }));
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

  /** Asks Janus for an offer with new ICE credentials; null (reported) when it refuses. */
  private async restart(): Promise<string | null> {
    try {
      const reply = await this.handle!.send({ request: 'configure', restart: true });
      if (reply.jsep?.type === 'offer') return reply.jsep.sdp;
      this.emit('error', new JanusError('plugin', 'Janus answered an ICE restart without an offer'));
    } catch (err) {
      if (!this.isClosed) this.emit('error', err as Error);
    }
    return null;
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
  private offer(janusSdp: string): Promise<void> {
    const sdp = alignFormatParameters(janusSdp);
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
        this.offered = null;
        resolve();
      };
      // A refused answer leaves the offer outstanding: the client may answer again. `answer()` throws
      // it to its caller, which tells the client: no 'error' besides.
      this.awaitingAnswer = { resolve: done, reject: () => undefined };
      this.offered = sdp;
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
