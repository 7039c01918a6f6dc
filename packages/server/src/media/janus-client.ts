import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { silentLogger, type MediaLogger } from './logger';

/** The Janus WebSocket transport only speaks to clients that ask for this subprotocol. */
export const JANUS_SUBPROTOCOL = 'janus-protocol';
export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

/** Error codes of the VideoRoom plugin (janus_videoroom.c), as found in `error_code`. */
export const VideoRoomErrorCode = {
  unknown: 499,
  noMessage: 421,
  invalidJson: 422,
  invalidRequest: 423,
  joinFirst: 424,
  alreadyJoined: 425,
  noSuchRoom: 426,
  roomExists: 427,
  noSuchFeed: 428,
  missingElement: 429,
  invalidElement: 430,
  invalidSdpType: 431,
  publishersFull: 432,
  unauthorized: 433,
  alreadyPublished: 434,
  notPublished: 435,
  idExists: 436,
  invalidSdp: 437,
} as const;

/** Janus core error codes that callers react to (janus/apierror.h). */
const JanusApiErrorCode = {
  unauthorized: 403,
  sessionNotFound: 458,
  handleNotFound: 459,
  pluginMessageError: 464,
  webrtcState: 469,
} as const;

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** Janus marks end-to-end encrypted media (insertable streams) with this. */
  e2ee?: boolean;
}

export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** A plugin's reply: its `plugindata.data` and, for negotiations, the SDP that came with it. */
export interface PluginReply {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

export type JanusErrorKind = 'api' | 'plugin' | 'timeout' | 'closed';

/** Every failure of the Janus client is one of these, with a kind to switch on. */
export class JanusError extends Error {
  constructor(
    readonly kind: JanusErrorKind,
    message: string,
    /** Janus core error code (kind 'api') or plugin `error_code` (kind 'plugin'). */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

export const isJanusError = (err: unknown, kind?: JanusErrorKind, code?: number): err is JanusError =>
  err instanceof JanusError &&
  (kind === undefined || err.kind === kind) &&
  (code === undefined || err.code === code);

// ---- wire types ----

interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number } & Record<string, unknown>;
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  candidate?: (IceCandidateInit & { completed?: boolean }) | { completed: true };
  reason?: string;
  type?: string;
  mid?: string;
  receiving?: boolean;
  uplink?: boolean;
  [key: string]: unknown;
}

type Settle = 'ack' | 'reply';

interface Pending {
  settle: Settle;
  resolve: (msg: JanusMessage) => void;
  reject: (err: JanusError) => void;
  timer: NodeJS.Timeout;
  what: string;
}

export interface JanusClientOptions {
  /** Sent in every request as `apisecret`. Never logged. */
  apiSecret?: string;
  logger?: MediaLogger;
  /** How long a request may wait for its reply (default 10 s). */
  requestTimeoutMs?: number;
  /** How often each session is kept alive; Janus drops sessions after 60 s by default (default 25 s). */
  keepaliveMs?: number;
  connectTimeoutMs?: number;
  /** Told of every request that fails, for metrics; the caller still gets the rejection. */
  onRequestFailed?: (kind: JanusErrorKind) => void;
}

type ClientEvents = {
  /** The socket is gone: every session and handle on it is gone too. Emitted once. */
  closed: [reason: Error | null];
};

/**
 * One WebSocket connection to the Janus API. Requests are matched to replies by transaction;
 * a reply is the first `success`, `event` or `error` for it, so an `ack` arriving after its
 * `event` (which Janus does) is harmless. Unsolicited events are routed to handles by `sender`.
 */
export class JanusClient extends EventEmitter<ClientEvents> {
  private readonly pending = new Map<string, Pending>();
  private readonly sessions = new Map<number, JanusSession>();
  private readonly logger: MediaLogger;
  private readonly requestTimeoutMs: number;
  readonly keepaliveMs: number;
  private closedReason: Error | null | undefined;

  private constructor(
    private readonly ws: WebSocket,
    readonly url: string,
    private readonly options: JanusClientOptions,
  ) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.keepaliveMs = options.keepaliveMs ?? 25_000;
    ws.on('message', (raw) => this.onMessage(raw.toString()));
    ws.on('close', (code, reason) => {
      try {
        this.onClosed(new Error(`Janus connection closed (${code}${reason.length ? ` ${reason}` : ''})`));
      } catch (err) {
        this.logger.error({ err }, 'a Janus close listener failed');
      }
    });
    ws.on('error', (err) => this.logger.warn({ err: err.message }, 'Janus socket error'));
  }

  /** Opens a connection; rejects when Janus does not answer the WebSocket handshake in time. */
  static connect(url: string, options: JanusClientOptions = {}): Promise<JanusClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, JANUS_SUBPROTOCOL, {
        handshakeTimeout: options.connectTimeoutMs ?? 5_000,
        perMessageDeflate: false,
      });
      const fail = (err: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new JanusError('closed', `Cannot connect to Janus at ${url}: ${err.message}`));
      };
      ws.once('error', fail);
      ws.once('close', () => fail(new Error('closed during handshake')));
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve(new JanusClient(ws, url, options));
      });
    });
  }

  get isOpen(): boolean {
    return this.closedReason === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  /** The server's `server_info` (version, plugins, transports). Needs no session. */
  async info(): Promise<Record<string, unknown>> {
    return this.request({ janus: 'info' }, 'reply');
  }

  async createSession(): Promise<JanusSession> {
    const reply = await this.request({ janus: 'create' }, 'reply');
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError('api', 'Janus create returned no session id');
    const session = new JanusSession(this, id, this.logger);
    this.sessions.set(id, session);
    return session;
  }

  /**
   * Takes over a session another connection made (its control-plane node died): Janus keeps a session
   * whose connection closed for `reclaim_session_timeout`, handles, rooms and PeerConnections included,
   * and hands it, with its future events, to the connection that claims it. Handles are adopted by id.
   */
  async claimSession(id: number): Promise<JanusSession> {
    await this.request({ janus: 'claim', session_id: id }, 'reply', 'claim');
    const session = new JanusSession(this, id, this.logger);
    this.sessions.set(id, session);
    return session;
  }

  /** Closes the socket; emits `closed` once every pending request has failed. */
  close(): void {
    if (this.closedReason !== undefined) return;
    this.ws.close(1000);
    this.onClosed(null);
  }

  /** @internal Sends a request and resolves with its reply (or its `ack`, for `settle: 'ack'`). */
  request(body: Record<string, unknown>, settle: Settle, what = String(body.janus)): Promise<JanusMessage> {
    const reply = this.exchange(body, settle, what);
    const onFailed = this.options.onRequestFailed;
    if (onFailed) {
      reply
        .catch((err: JanusError) => onFailed(err.kind))
        .catch((err: unknown) => this.logger.error({ err }, 'a Janus request-failure listener failed'));
    }
    return reply;
  }

  private exchange(body: Record<string, unknown>, settle: Settle, what: string): Promise<JanusMessage> {
    if (!this.isOpen) {
      return Promise.reject(new JanusError('closed', `Janus connection is closed (${what})`));
    }
    const transaction = randomBytes(12).toString('base64url');
    const message = {
      ...body,
      transaction,
      ...(this.options.apiSecret !== undefined && { apisecret: this.options.apiSecret }),
    };
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError('timeout', `Janus did not answer ${what} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(transaction, { settle, resolve, reject, timer, what });
      this.ws.send(JSON.stringify(message), (err) => {
        if (!err) return;
        const p = this.pending.get(transaction);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(transaction);
        reject(new JanusError('closed', `Cannot send ${what} to Janus: ${err.message}`));
      });
    });
  }

  /** @internal */
  forgetSession(session: JanusSession): void {
    // Only that object: a session claimed again on this connection is another one under the same id.
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  private onMessage(text: string): void {
    let msg: JanusMessage;
    try {
      msg = JSON.parse(text) as JanusMessage;
    } catch {
      this.logger.warn('Janus sent a frame that is not JSON');
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.janus !== 'string') return;
    const pending = msg.transaction !== undefined ? this.pending.get(msg.transaction) : undefined;
    if (pending && msg.transaction !== undefined) {
      if (msg.janus === 'ack') {
        // For plugin messages the real answer is the `event`, which may already have arrived.
        if (pending.settle !== 'ack') return;
      }
      clearTimeout(pending.timer);
      this.pending.delete(msg.transaction);
      const error = errorOf(msg, pending.what);
      if (error) pending.reject(error);
      else pending.resolve(msg);
      return;
    }
    if (msg.janus === 'ack' || msg.janus === 'success' || msg.janus === 'error') return; // late, already settled
    const session = msg.session_id !== undefined ? this.sessions.get(msg.session_id) : undefined;
    if (!session) return;
    try {
      session.dispatch(msg);
    } catch (err) {
      // A listener's bug must not take the socket (and every other meeting on it) down with it.
      this.logger.error({ err, janus: msg.janus }, 'a Janus event listener failed');
    }
  }

  private onClosed(reason: Error | null): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [transaction, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(transaction);
      p.reject(new JanusError('closed', `Janus connection closed before ${p.what} was answered`));
    }
    for (const session of [...this.sessions.values()]) session.markGone('connection closed');
    this.sessions.clear();
    if (reason) this.logger.warn({ url: this.url, reason: reason.message }, 'Janus connection lost');
    this.emit('closed', reason);
  }
}

/** The error a reply carries: a core `error`, or a plugin `error_code` inside `success`/`event`. */
function errorOf(msg: JanusMessage, what: string): JanusError | null {
  if (msg.janus === 'error') {
    return new JanusError(
      'api',
      `Janus refused ${what}: ${msg.error?.reason ?? 'unknown error'}`,
      msg.error?.code,
    );
  }
  const data = msg.plugindata?.data;
  if (data && typeof data.error_code === 'number') {
    const reason = typeof data.error === 'string' ? data.error : 'unknown error';
    return new JanusError('plugin', `${what}: ${reason}`, data.error_code);
  }
  return null;
}

type SessionEvents = {
  /** The session no longer exists in Janus (timeout, destroy, or lost connection). */
  closed: [reason: string];
};

/** A Janus session: keeps itself alive and owns its plugin handles. */
export class JanusSession extends EventEmitter<SessionEvents> {
  private readonly handles = new Map<number, JanusHandle>();
  private readonly keepalive: NodeJS.Timeout;
  private gone = false;

  /** @internal Use `JanusClient.createSession`. */
  constructor(
    readonly client: JanusClient,
    readonly id: number,
    private readonly logger: MediaLogger,
  ) {
    super();
    this.keepalive = setInterval(() => {
      this.client.request({ janus: 'keepalive', session_id: this.id }, 'ack').catch((err: unknown) => {
        if (isJanusError(err, 'api', JanusApiErrorCode.sessionNotFound)) this.markGone('session expired');
        else this.logger.warn({ err: (err as Error).message }, 'Janus keepalive failed');
      });
    }, client.keepaliveMs);
    this.keepalive.unref();
  }

  get isOpen(): boolean {
    return !this.gone && this.client.isOpen;
  }

  async attach(plugin: string = VIDEOROOM_PLUGIN, opaqueId?: string): Promise<JanusHandle> {
    this.assertOpen('attach');
    const reply = await this.client.request(
      { janus: 'attach', session_id: this.id, plugin, ...(opaqueId && { opaque_id: opaqueId }) },
      'reply',
      `attach ${plugin}`,
    );
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError('api', 'Janus attach returned no handle id');
    const handle = new JanusHandle(this, id, plugin);
    this.handles.set(id, handle);
    return handle;
  }

  /** A handle of this session made earlier, on the connection that made the session (see claimSession). */
  adoptHandle(id: number, plugin: string = VIDEOROOM_PLUGIN): JanusHandle {
    this.assertOpen('adopt');
    const handle = new JanusHandle(this, id, plugin);
    this.handles.set(id, handle);
    return handle;
  }

  /**
   * Stops using the session without destroying it in Janus: another control-plane node has claimed it
   * (or will), and it must keep running for that node's participants.
   */
  abandon(): void {
    this.markGone('abandoned');
  }

  /** Destroys the session in Janus (detaching its handles) and forgets it. */
  async destroy(): Promise<void> {
    if (this.gone) return;
    try {
      if (this.client.isOpen) await this.client.request({ janus: 'destroy', session_id: this.id }, 'reply');
    } finally {
      this.markGone('destroyed');
    }
  }

  /** @internal */
  request(body: Record<string, unknown>, settle: Settle, what?: string): Promise<JanusMessage> {
    this.assertOpen(what ?? String(body.janus));
    return this.client.request({ ...body, session_id: this.id }, settle, what);
  }

  /** @internal */
  forgetHandle(id: number): void {
    this.handles.delete(id);
  }

  /** @internal Routes an unsolicited message to its handle. */
  dispatch(msg: JanusMessage): void {
    if (msg.janus === 'timeout') {
      this.markGone('session timed out');
      return;
    }
    const handle = msg.sender !== undefined ? this.handles.get(msg.sender) : undefined;
    handle?.dispatch(msg);
  }

  /** @internal */
  markGone(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.keepalive);
    this.client.forgetSession(this);
    for (const handle of [...this.handles.values()]) handle.markGone(reason);
    this.handles.clear();
    this.emit('closed', reason);
  }

  private assertOpen(what: string): void {
    if (!this.isOpen) throw new JanusError('closed', `Janus session is gone (${what})`);
  }
}

export interface MediaEvent {
  type: 'audio' | 'video';
  mid?: string;
  receiving: boolean;
}

type HandleEvents = {
  /** A plugin event that answers no request of ours (e.g. a publisher joined the room). */
  event: [data: Record<string, unknown>, jsep: Jsep | undefined];
  /** The PeerConnection is up (ICE and DTLS done). */
  webrtcup: [];
  /** The PeerConnection went down. */
  hangup: [reason: string];
  /** Janus started or stopped receiving media on a stream. */
  media: [event: MediaEvent];
  /** Janus trickles one of its own candidates (full-trickle only); null ends them. */
  trickle: [candidate: IceCandidateInit | null];
  slowlink: [info: Record<string, unknown>];
  /** The handle no longer exists in Janus (detached, session gone, connection lost). */
  detached: [reason: string];
};

/** A handle attached to a plugin. */
export class JanusHandle extends EventEmitter<HandleEvents> {
  private gone = false;

  /** @internal Use `JanusSession.attach`. */
  constructor(
    readonly session: JanusSession,
    readonly id: number,
    readonly plugin: string,
  ) {
    super();
  }

  get isOpen(): boolean {
    return !this.gone && this.session.isOpen;
  }

  /**
   * Sends a plugin request and resolves with the plugin's answer, synchronous (`success`) or
   * asynchronous (`event` after `ack`). A plugin `error_code` rejects with a JanusError of kind 'plugin'.
   */
  async send(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    const what = typeof body.request === 'string' ? `${this.pluginName()} ${body.request}` : 'message';
    if (this.gone) throw new JanusError('closed', `Janus handle is detached (${what})`);
    const reply = await this.session.request(
      { janus: 'message', handle_id: this.id, body, ...(jsep && { jsep }) },
      'reply',
      what,
    );
    return { data: reply.plugindata?.data ?? {}, ...(reply.jsep && { jsep: reply.jsep }) };
  }

  /** Passes one of the peer's ICE candidates to Janus; null means the peer has no more. */
  async trickle(candidate: IceCandidateInit | null): Promise<void> {
    if (this.gone) throw new JanusError('closed', 'Janus handle is detached (trickle)');
    await this.session.request(
      { janus: 'trickle', handle_id: this.id, candidate: candidate ?? { completed: true } },
      'ack',
      'trickle',
    );
  }

  /** Closes the handle's PeerConnection but keeps the handle. */
  async hangup(): Promise<void> {
    if (!this.isOpen) return;
    await this.session.request({ janus: 'hangup', handle_id: this.id }, 'reply', 'hangup');
  }

  /** Detaches from the plugin; safe to call twice or after the session is gone. */
  async detach(): Promise<void> {
    if (this.gone) return;
    try {
      if (this.isOpen) await this.session.request({ janus: 'detach', handle_id: this.id }, 'reply', 'detach');
    } catch (err) {
      if (!isJanusError(err, 'api') && !isJanusError(err, 'closed')) throw err;
    } finally {
      this.markGone('detached');
    }
  }

  /** @internal */
  dispatch(msg: JanusMessage): void {
    switch (msg.janus) {
      case 'event':
        if (msg.plugindata) this.emit('event', msg.plugindata.data, msg.jsep);
        return;
      case 'webrtcup':
        this.emit('webrtcup');
        return;
      case 'hangup':
        this.emit('hangup', msg.reason ?? 'hangup');
        return;
      case 'media':
        if (msg.type === 'audio' || msg.type === 'video') {
          this.emit('media', {
            type: msg.type,
            receiving: msg.receiving === true,
            ...(msg.mid !== undefined && { mid: msg.mid }),
          });
        }
        return;
      case 'trickle': {
        const c = msg.candidate;
        if (!c || 'completed' in c) this.emit('trickle', null);
        else this.emit('trickle', c);
        return;
      }
      case 'slowlink':
        this.emit('slowlink', msg);
        return;
      case 'detached':
        this.markGone('detached by Janus');
        return;
      default:
        return;
    }
  }

  /** @internal */
  markGone(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.session.forgetHandle(this.id);
    this.emit('detached', reason);
  }

  private pluginName(): string {
    return this.plugin.replace(/^janus\.plugin\./, '');
  }
}
