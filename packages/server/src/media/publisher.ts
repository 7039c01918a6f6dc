import { EventEmitter } from 'node:events';
import {
  JanusError,
  type IceCandidateInit,
  type JanusHandle,
  type Jsep,
  type MediaEvent,
  type PluginReply,
} from './janus-client';
import type { VideoRoom } from './videoroom';

/** A Publisher as another control-plane node can take it over. */
export interface PublisherState {
  handleId: number;
  feedId: number;
  privateId?: number;
  streams: PublishedStream[];
  /** Published and its PeerConnection up. */
  active: boolean;
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
  /**
   * Janus's audio levels say this publisher started (true) or stopped (false) talking; only its own,
   * though Janus tells every publisher in the room about everyone.
   */
  talking: [talking: boolean];
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
    handle.on('event', (data) => {
      const talking = talkingOf(data, this.feedId);
      if (talking !== null) this.emit('talking', talking);
    });
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

  /**
   * Sends the client's ICE-restart offer (new ufrag and password, same media sections) on the
   * published PeerConnection; resolves with Janus's answer, with its new credentials. Janus restarts
   * its side of ICE when it sees the new ufrag (MEET-RECONNECT). A refusal leaves the handle as it was.
   */
  async restartIce(offerSdp: string, options: { e2ee?: boolean } = {}): Promise<string> {
    if (this.isClosed || !this.published) throw new JanusError('closed', 'Nothing is published');
    const jsep: Jsep = { type: 'offer', sdp: offerSdp, ...(options.e2ee && { e2ee: true }) };
    const reply = await this.handle.send({ request: 'configure' }, jsep);
    if (reply.jsep?.type !== 'answer') {
      throw new JanusError('plugin', 'Janus answered an ICE restart without an SDP answer');
    }
    return reply.jsep.sdp;
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

  /** Asks the sender for a keyframe (Janus sends it a PLI), so that receivers can decode again. */
  async requestKeyframe(): Promise<void> {
    if (this.isClosed) return;
    await this.handle.send({ request: 'configure', keyframe: true });
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

/** A VideoRoom `talking` / `stopped-talking` event about `feedId`, or null for anything else. */
export function talkingOf(data: Record<string, unknown>, feedId: number): boolean | null {
  if (data.id !== feedId) return null;
  if (data.videoroom === 'talking') return true;
  if (data.videoroom === 'stopped-talking') return false;
  return null;
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
