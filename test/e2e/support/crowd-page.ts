/**
 * Lightweight publishers in one page (bundled by crowd.ts; runs in Chromium, not in Node),
 * each speaking the real signaling protocol on its own socket: it joins as a guest by name with
 * `videoSubscription: 'chosen'` and never sends a `setView`, publishes a tiny canvas video (and, for the
 * first few, a quiet oscillator) over one peer connection, and ignores every `subscriptionOffer`, so it receives no media:
 * that keeps a hundred of them cheap enough for one page. The page must be one of the Conclave server's
 * own (its origin), or the socket's Origin check refuses it.
 */
import {
  SIGNALING_PATH,
  SIGNALING_SUBPROTOCOL,
  type ClientMessage,
  type IceCandidate,
  type PeerTarget,
  type ServerMessage,
} from '@conclave/protocol';

/**
 * What each member publishes: its camera canvas's size and frame rate, how many (the first) have a
 * microphone, its tone's gain, and the spacing of the tones' frequencies (member n: 200 + n × step Hz).
 * The defaults keep a hundred members cheap; `configure` changes them before the first member is added
 * (bench/recording publishes camera-sized pictures and audible tones).
 */
export interface CrowdMedia {
  width: number;
  height: number;
  fps: number;
  voiced: number;
  gain: number;
  toneStepHz: number;
}

const media: CrowdMedia = {
  width: 96,
  height: 54,
  fps: 10,
  /**
   * Members with a microphone: more than the audio slots, so that slots are chosen among them. The
   * rest publish their camera only, as most people in a large meeting are silent: a hundred Opus
   * encoders would take more than the two cores the tests have.
   */
  voiced: 12,
  // About -60 dBov: under the level at which the media server counts someone as talking (-45).
  gain: 0.001,
  toneStepHz: 5,
};
/** How long one member may take from opening its socket to its media flowing (generous: a loaded 2-core machine took over 30 s). */
const PUBLISH_TIMEOUT_MS = 60_000;

/** What one member's socket carried since the last reset. */
export interface SocketStats {
  name: string;
  /** Whether this member answers its subscription offers (see Member.listens). */
  listens: boolean;
  participantId: string | null;
  bytesReceived: number;
  bytesSent: number;
  largestReceived: number;
  largestSent: number;
  /** Frames received, by `type`: which of them make up the bytes. */
  received: Record<string, number>;
  /** Error frames the server sent, by code. */
  errors: Record<string, number>;
  /** The largest frame each way since the socket opened (a reset leaves these). */
  largestEver: { received: number; sent: number };
}

const encoder = new TextEncoder();
const frameBytes = (data: unknown): number =>
  typeof data === 'string'
    ? encoder.encode(data).length
    : data instanceof ArrayBuffer
      ? data.byteLength
      : data instanceof Blob
        ? data.size
        : 0;

/** One socket, counting every frame it carries both ways. */
class CountedSocket {
  readonly stats: SocketStats;
  private readonly handlers = new Set<(m: ServerMessage) => void>();

  private constructor(
    private readonly ws: WebSocket,
    name: string,
    listens: boolean,
  ) {
    this.stats = emptyStats(name, listens);
    ws.addEventListener('message', (e: MessageEvent) => {
      const size = frameBytes(e.data);
      this.stats.bytesReceived += size;
      this.stats.largestReceived = Math.max(this.stats.largestReceived, size);
      this.stats.largestEver.received = Math.max(this.stats.largestEver.received, size);
      if (typeof e.data !== 'string') return;
      const message = JSON.parse(e.data) as ServerMessage;
      this.stats.received[message.type] = (this.stats.received[message.type] ?? 0) + 1;
      if (message.type === 'error')
        this.stats.errors[message.code] = (this.stats.errors[message.code] ?? 0) + 1;
      for (const h of this.handlers) h(message);
    });
  }

  static open(name: string, listens: boolean): Promise<CountedSocket> {
    const url = new URL(SIGNALING_PATH, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, SIGNALING_SUBPROTOCOL);
    return new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(new CountedSocket(ws, name, listens)), { once: true });
      ws.addEventListener('close', (e) => reject(new Error(`${name}: socket closed (${e.code})`)), {
        once: true,
      });
    });
  }

  send(message: ClientMessage): void {
    const text = JSON.stringify(message);
    const size = encoder.encode(text).length;
    this.stats.bytesSent += size;
    this.stats.largestSent = Math.max(this.stats.largestSent, size);
    this.stats.largestEver.sent = Math.max(this.stats.largestEver.sent, size);
    this.ws.send(text);
  }

  /** Calls `handler` with every frame received from now on; returns what stops it. */
  on(handler: (m: ServerMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** The first frame answering `rid` (its reply or an error naming it). */
  reply(rid: string): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.stats.name}: no reply to ${rid}`)),
        PUBLISH_TIMEOUT_MS,
      );
      const handler = (m: ServerMessage) => {
        if (!('rid' in m) || m.rid !== rid) return;
        this.handlers.delete(handler);
        clearTimeout(timer);
        resolve(m);
      };
      this.handlers.add(handler);
    });
  }

  close(): void {
    this.ws.close();
  }
}

function emptyStats(name: string, listens: boolean): SocketStats {
  return {
    name,
    listens,
    participantId: null,
    bytesReceived: 0,
    bytesSent: 0,
    largestReceived: 0,
    largestSent: 0,
    received: {},
    errors: {},
    largestEver: { received: 0, sent: 0 },
  };
}

/** Every member's canvas is redrawn from one timer, so frames differ: its number and a moving bar. */
const canvases: Array<{ ctx: CanvasRenderingContext2D; n: number }> = [];
let tick = 0;
let drawing: ReturnType<typeof setInterval> | null = null;

function draw(): void {
  tick++;
  const { width, height } = media;
  const scale = height / 54;
  for (const { ctx, n } of canvases) {
    ctx.fillStyle = `hsl(${(n * 37) % 360} 60% 35%)`;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect((tick * 4 * scale + n * 7) % width, 0, 8 * scale, height);
    ctx.font = `bold ${Math.round(24 * scale)}px sans-serif`;
    ctx.fillText(String(n), 30 * scale, 36 * scale);
  }
}

let audio: AudioContext | null = null;
/** Members join as the page's signed-in user rather than as guests (see `configure`). */
let signedIn = false;

function cameraTrack(n: number): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.width = media.width;
  canvas.height = media.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  canvases.push({ ctx, n });
  drawing ??= setInterval(draw, 1000 / media.fps);
  return canvas.captureStream(media.fps).getVideoTracks()[0]!;
}

function microphoneTrack(n: number): { track: MediaStreamTrack; stop(): void } {
  audio ??= new AudioContext();
  void audio.resume();
  const oscillator = audio.createOscillator();
  oscillator.frequency.value = 200 + n * media.toneStepHz;
  const gain = audio.createGain();
  gain.gain.value = media.gain;
  const out = audio.createMediaStreamDestination();
  oscillator.connect(gain).connect(out);
  oscillator.start();
  return { track: out.stream.getAudioTracks()[0]!, stop: () => oscillator.stop() };
}

/**
 * Trickle ICE for one peer connection, as the SDK does: local candidates wait until our description
 * has gone out, remote ones until their description is set.
 */
class Trickle {
  private outgoing: Array<IceCandidate | null> | null = [];
  private incoming: Array<IceCandidate | null> | null = [];

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly socket: CountedSocket,
    private readonly target: PeerTarget,
  ) {
    pc.onicecandidate = (e) => {
      const candidate: IceCandidate | null = e.candidate?.candidate
        ? {
            candidate: e.candidate.candidate,
            sdpMid: e.candidate.sdpMid,
            sdpMLineIndex: e.candidate.sdpMLineIndex,
          }
        : null;
      if (this.outgoing) this.outgoing.push(candidate);
      else this.send(candidate);
    };
    socket.on((m) => {
      if (m.type !== 'trickle' || m.target !== target) return;
      if (this.incoming) this.incoming.push(m.candidate);
      else void pc.addIceCandidate(m.candidate ?? undefined).catch(() => undefined);
    });
  }

  /** Our description has gone out. */
  sent(): void {
    for (const c of this.outgoing ?? []) this.send(c);
    this.outgoing = null;
  }

  /** Theirs is set. */
  async applied(): Promise<void> {
    const queued = this.incoming ?? [];
    this.incoming = null;
    for (const c of queued) await this.pc.addIceCandidate(c ?? undefined).catch(() => undefined);
  }

  private send(candidate: IceCandidate | null): void {
    this.socket.send({ type: 'trickle', target: this.target, candidate });
  }
}

class Member {
  private socket: CountedSocket | null = null;
  private readonly connections: RTCPeerConnection[] = [];
  private stopAudio: () => void = () => {};

  constructor(
    readonly n: number,
    readonly name: string,
    /**
     * Answers its subscription offers (it then receives the others' audio: it sends no `setView`, so no
     * video), as a real client must: the server makes no new offer until the last one is answered, so
     * only such a member receives what every join costs a real one. The others leave them unanswered.
     */
    readonly listens: boolean,
  ) {}

  get stats(): SocketStats {
    return this.socket?.stats ?? emptyStats(this.name, this.listens);
  }

  /** Joins, publishes, and resolves once its media reaches the media server (ICE and DTLS up). */
  async start(meetingId: string): Promise<void> {
    const socket = await CountedSocket.open(this.name, this.listens);
    this.socket = socket;
    socket.send({
      type: 'join',
      rid: 'join',
      meetingId,
      // Signed in (the page's session cookie): the account's name; else a guest by this name.
      ...(signedIn ? {} : { displayName: this.name }),
      videoSubscription: 'chosen',
    });
    const joined = await socket.reply('join');
    if (joined.type !== 'joined') throw new Error(`${this.name}: join refused: ${JSON.stringify(joined)}`);
    socket.stats.participantId = joined.participantId;
    const configuration: RTCConfiguration = {
      iceServers: joined.iceServers.map((s) => ({ ...s })),
      bundlePolicy: 'max-bundle',
    };
    if (this.listens) this.answerOffers(socket, configuration);

    const pc = new RTCPeerConnection(configuration);
    this.connections.push(pc);
    const trickle = new Trickle(pc, socket, 'publisher');
    const stream = new MediaStream();
    const mic = this.n <= media.voiced ? microphoneTrack(this.n) : null;
    if (mic) this.stopAudio = mic.stop;
    const microphone = mic && pc.addTransceiver(mic.track, { direction: 'sendonly', streams: [stream] });
    const camera = pc.addTransceiver(cameraTrack(this.n), { direction: 'sendonly', streams: [stream] });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    socket.send({
      type: 'publish',
      rid: 'publish',
      sdp: pc.localDescription?.sdp ?? offer.sdp ?? '',
      tracks: [
        ...(microphone ? [{ mid: microphone.mid!, source: 'microphone' as const }] : []),
        { mid: camera.mid!, source: 'camera' },
      ],
    });
    trickle.sent();
    const answer = await socket.reply('publish');
    if (answer.type !== 'publishAnswer')
      throw new Error(`${this.name}: publish refused: ${JSON.stringify(answer)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    await trickle.applied();
    await connected(pc, this.name);
  }

  /** Answers each subscription offer in turn on one receiving connection. */
  private answerOffers(socket: CountedSocket, configuration: RTCConfiguration): void {
    const pc = new RTCPeerConnection(configuration);
    this.connections.push(pc);
    const trickle = new Trickle(pc, socket, 'subscriber');
    let turn = Promise.resolve();
    socket.on((m) => {
      if (m.type !== 'subscriptionOffer') return;
      turn = turn
        .then(async () => {
          await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
          await trickle.applied();
          const answer = await pc.createAnswer();
          await pc.setLocalDescription(answer);
          socket.send({ type: 'subscriptionAnswer', sdp: pc.localDescription?.sdp ?? answer.sdp ?? '' });
          trickle.sent();
        })
        .catch((err: unknown) =>
          console.error(`${this.name}: could not answer a subscription offer: ${String(err)}`),
        );
    });
  }

  /** Sends a message; resolves with the first frame after it of one of these types (or `error`). */
  request(message: ClientMessage, replyTypes: string[], timeoutMs: number): Promise<ServerMessage | null> {
    const socket = this.socket;
    if (!socket) return Promise.resolve(null);
    return new Promise((resolve) => {
      const off = socket.on((m) => {
        if (m.type !== 'error' && !replyTypes.includes(m.type)) return;
        off();
        clearTimeout(timer);
        resolve(m);
      });
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, timeoutMs);
      socket.send(message);
    });
  }

  stop(): void {
    if (this.socket) {
      this.socket.send({ type: 'leave', rid: 'leave' });
      this.socket.close();
    }
    for (const pc of this.connections) pc.close();
    this.stopAudio();
  }
}

function connected(pc: RTCPeerConnection, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: media not connected (${pc.connectionState})`)),
      PUBLISH_TIMEOUT_MS,
    );
    const check = () => {
      if (pc.connectionState === 'connected') {
        clearTimeout(timer);
        resolve();
      } else if (pc.connectionState === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name}: media connection failed`));
      }
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

const members: Member[] = [];

/** What the test drives through `window.crowd` (one page of the crowd). */
export interface CrowdApi {
  /**
   * Adds the members with these numbers (named `Crowd <n>`), all joining and publishing at once;
   * those numbered up to `listeners` answer their subscription offers (Member.listens). Resolves with
   * each one's time from opening its socket to its media flowing.
   */
  add(meetingId: string, numbers: number[], listeners: number): Promise<number[]>;
  /**
   * Changes what members added from now on publish (see CrowdMedia), and whether they join as the
   * page's signed-in user (its session cookie) instead of as guests by name.
   */
  configure(changes: Partial<CrowdMedia>, asUser?: boolean): void;
  /**
   * The member who is this participant sends a message and resolves with the first frame it then
   * receives of one of these types (an `error` frame too), or null after `timeoutMs`; undefined when
   * that member is not on this page.
   */
  request(
    participantId: string,
    message: ClientMessage,
    replyTypes: string[],
    timeoutMs: number,
  ): Promise<ServerMessage | null | undefined>;
  /** Each member's socket counters since the last reset. */
  stats(): SocketStats[];
  resetStats(): void;
  /** The member who is this participant leaves the meeting (if it lives on this page). */
  leave(participantId: string): void;
  stop(): void;
}

const api: CrowdApi = {
  add(meetingId, numbers, listeners) {
    const fresh = numbers.map((n) => new Member(n, `Crowd ${n}`, n <= listeners));
    members.push(...fresh);
    return Promise.all(
      fresh.map(async (m) => {
        const t0 = performance.now();
        await m.start(meetingId);
        return Math.round(performance.now() - t0);
      }),
    );
  },
  configure(changes, asUser) {
    Object.assign(media, changes);
    if (asUser !== undefined) signedIn = asUser;
  },
  async request(participantId, message, replyTypes, timeoutMs) {
    const member = members.find((m) => m.stats.participantId === participantId);
    return member ? member.request(message, replyTypes, timeoutMs) : undefined;
  },
  stats: () => members.map((m) => structuredClone(m.stats)),
  resetStats() {
    for (const { stats } of members) {
      const { participantId, largestEver } = stats;
      Object.assign(stats, emptyStats(stats.name, stats.listens), { participantId, largestEver });
    }
  },
  leave(participantId) {
    const i = members.findIndex((m) => m.stats.participantId === participantId);
    if (i >= 0) members.splice(i, 1)[0]!.stop();
  },
  stop() {
    for (const m of members.splice(0)) m.stop();
  },
};

(window as unknown as { crowd: CrowdApi }).crowd = api;
