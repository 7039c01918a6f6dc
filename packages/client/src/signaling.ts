import {
  SIGNALING_SUBPROTOCOL,
  type ClientMessage,
  type ClientMessageOf,
  type ErrorCode,
  type ServerMessage,
  type ServerMessageOf,
} from '@conclave/protocol';
import { ConclaveError, SignalingError } from './errors';
import { TypedEmitter } from './events';

/** The part of the browser's WebSocket that the signaling client uses (a fake can stand in for tests). */
export interface SocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type SocketFactory = (url: string, protocol: string) => SocketLike;

/** Messages that expect a reply, and the reply each resolves with. */
export interface ReplyMap {
  /** `waiting` when the meeting's lobby holds this join: `joined` comes later, if a moderator admits. */
  join: ServerMessageOf<'joined' | 'waiting'>;
  publish: ServerMessageOf<'publishAnswer'>;
  subscriptionAnswer: ServerMessageOf<'ack'>;
  restartPublisherIce: ServerMessageOf<'publishAnswer'>;
  restartSubscriberIce: ServerMessageOf<'ack'>;
  setMute: ServerMessageOf<'ack'>;
  setVideoLayers: ServerMessageOf<'ack'>;
  setView: ServerMessageOf<'ack'>;
  admit: ServerMessageOf<'ack'>;
  reject: ServerMessageOf<'ack'>;
  muteParticipants: ServerMessageOf<'ack'>;
  allowUnmute: ServerMessageOf<'ack'>;
  removeParticipants: ServerMessageOf<'ack'>;
  setModerator: ServerMessageOf<'ack'>;
  raiseHand: ServerMessageOf<'ack'>;
  lowerHand: ServerMessageOf<'ack'>;
  sendChat: ServerMessageOf<'ack'>;
  sendEncryptedChat: ServerMessageOf<'ack'>;
  startRecording: ServerMessageOf<'ack'>;
  stopRecording: ServerMessageOf<'ack'>;
  startStream: ServerMessageOf<'ack'>;
  stopStream: ServerMessageOf<'ack'>;
  leave: ServerMessageOf<'ack'>;
  ping: ServerMessageOf<'pong'>;
}
type RequestType = keyof ReplyMap;
type WithoutRid<M> = M extends unknown ? Omit<M, 'rid'> : never;
/** A request as the caller writes it: the client assigns the `rid`. */
export type RequestMessage = WithoutRid<ClientMessageOf<RequestType>>;

const EXPECTED_REPLY: Record<RequestType, ReadonlyArray<ServerMessage['type']>> = {
  join: ['joined', 'waiting'],
  publish: ['publishAnswer'],
  subscriptionAnswer: ['ack'],
  restartPublisherIce: ['publishAnswer'],
  restartSubscriberIce: ['ack'],
  setMute: ['ack'],
  setVideoLayers: ['ack'],
  setView: ['ack'],
  admit: ['ack'],
  reject: ['ack'],
  muteParticipants: ['ack'],
  allowUnmute: ['ack'],
  removeParticipants: ['ack'],
  setModerator: ['ack'],
  raiseHand: ['ack'],
  lowerHand: ['ack'],
  sendChat: ['ack'],
  sendEncryptedChat: ['ack'],
  startRecording: ['ack'],
  stopRecording: ['ack'],
  startStream: ['ack'],
  stopStream: ['ack'],
  leave: ['ack'],
  ping: ['pong'],
};

export interface SignalingCloseInfo {
  code: number;
  reason: string;
  /** True when this client closed the socket through `close()`. */
  byClient: boolean;
}

export interface SignalingEvents {
  /** A server message that is not the reply to a pending request. */
  message: [message: ServerMessage];
  /** Emitted exactly once, however the socket ended. */
  close: [info: SignalingCloseInfo];
}

export interface SignalingOptions {
  url: string;
  /** How long a request may wait for its reply (default 10 s). */
  requestTimeoutMs?: number;
  /** How often an app-level ping checks that the server still answers (default 10 s; 0 turns it off). */
  pingIntervalMs?: number;
  /** How long a ping may wait for its pong before the socket counts as dead (default 8 s). */
  pingTimeoutMs?: number;
  /** How long opening the socket may take (default 10 s). */
  connectTimeoutMs?: number;
  createSocket?: SocketFactory;
}

interface Pending {
  expect: ReadonlyArray<ServerMessage['type']>;
  resolve: (message: ServerMessage) => void;
  reject: (error: ConclaveError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** What the publisher, the subscriber and E2EE send through: a SignalingClient, or the session's link. */
export interface SignalingChannel {
  request<M extends RequestMessage>(message: M, timeoutMs?: number): Promise<ReplyMap[M['type']]>;
  send(message: ClientMessage): boolean;
}

const OPEN = 1;

const defaultSocketFactory: SocketFactory = (url, protocol) => new WebSocket(url, protocol);

/**
 * One signaling WebSocket: correlates requests and replies by `rid`, turns `error` frames into
 * `SignalingError`s with the server's stable code, and detects a dead server with app-level pings.
 */
export class SignalingClient extends TypedEmitter<SignalingEvents> implements SignalingChannel {
  private readonly options: Required<Omit<SignalingOptions, 'createSocket'>> & {
    createSocket: SocketFactory;
  };
  private socket: SocketLike | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextRid = 1;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(options: SignalingOptions) {
    super();
    this.options = {
      requestTimeoutMs: 10_000,
      pingIntervalMs: 10_000,
      pingTimeoutMs: 8_000,
      connectTimeoutMs: 10_000,
      createSocket: defaultSocketFactory,
      ...options,
    };
  }

  get isOpen(): boolean {
    return !this.closed && this.socket?.readyState === OPEN;
  }

  /**
   * Opens the socket; rejects with `connection_failed` if it closes first or takes too long, and
   * with `connection_closed` if `close()` comes first.
   */
  connect(): Promise<void> {
    if (this.socket) return Promise.reject(new ConclaveError('invalid_state', 'Already connected'));
    return new Promise<void>((resolve, reject) => {
      let socket: SocketLike;
      try {
        socket = this.options.createSocket(this.options.url, SIGNALING_SUBPROTOCOL);
      } catch (err) {
        this.closed = true;
        reject(
          new ConclaveError('connection_failed', 'Could not open the signaling connection', { cause: err }),
        );
        return;
      }
      this.socket = socket;
      let opened = false;
      const timer = setTimeout(() => {
        if (opened) return;
        reject(new ConclaveError('connection_failed', 'The server did not answer in time'));
        this.finish({ code: 4000, reason: 'connect timeout', byClient: true });
      }, this.options.connectTimeoutMs);
      // Abandoned while opening (e.g. a session closed while it resumes): settles now, not at the timeout.
      this.once('close', (info) => {
        clearTimeout(timer);
        if (!opened && info.byClient) reject(new ConclaveError('connection_closed', 'Closed while opening'));
      });
      socket.onopen = () => {
        opened = true;
        clearTimeout(timer);
        if (socket.protocol && socket.protocol !== SIGNALING_SUBPROTOCOL) {
          this.finish({ code: 4000, reason: 'wrong subprotocol', byClient: true });
          reject(
            new ConclaveError(
              'protocol_error',
              `The server speaks ${socket.protocol}, not ${SIGNALING_SUBPROTOCOL}`,
            ),
          );
          return;
        }
        this.startPing();
        resolve();
      };
      socket.onmessage = (event) => this.receive(event.data);
      socket.onerror = () => {
        // A close event always follows; it carries the outcome.
      };
      socket.onclose = (event) => {
        clearTimeout(timer);
        this.finish({ code: event.code, reason: event.reason, byClient: false });
        if (!opened) reject(new ConclaveError('connection_failed', 'Could not reach the meeting server'));
      };
    });
  }

  /** Sends a request and resolves with its reply; an `error` frame rejects with a SignalingError. */
  request<M extends RequestMessage>(message: M, timeoutMs?: number): Promise<ReplyMap[M['type']]> {
    const type: RequestType = message.type;
    return new Promise<ReplyMap[M['type']]>((resolve, reject) => {
      if (!this.isOpen) {
        reject(new ConclaveError('connection_closed', 'Not connected to the meeting server'));
        return;
      }
      const rid = String(this.nextRid++);
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new ConclaveError('request_timeout', `The server did not answer "${type}" in time`));
      }, timeoutMs ?? this.options.requestTimeoutMs);
      this.pending.set(rid, {
        expect: EXPECTED_REPLY[type],
        resolve: resolve as (m: ServerMessage) => void,
        reject,
        timer,
      });
      this.write({ ...message, rid });
    });
  }

  /** Sends a message that expects no reply; returns false when the socket is not open. */
  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.write(message);
    return true;
  }

  /** Closes the socket; pending requests reject with `connection_closed`. */
  close(code = 1000, reason = ''): void {
    this.finish({ code, reason, byClient: true });
  }

  private write(message: ClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch {
      // The socket is closing; its close event settles everything.
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    const rid = 'rid' in message ? message.rid : undefined;
    const pending = rid === undefined ? undefined : this.pending.get(rid);
    if (!pending || rid === undefined) {
      this.emit('message', message);
      return;
    }
    this.pending.delete(rid);
    clearTimeout(pending.timer);
    if (message.type === 'error') {
      pending.reject(errorFromFrame(message));
    } else if (!pending.expect.includes(message.type)) {
      pending.reject(
        new ConclaveError(
          'protocol_error',
          `Expected "${pending.expect.join('" or "')}" but the server sent "${message.type}"`,
        ),
      );
    } else {
      pending.resolve(message);
    }
  }

  private startPing(): void {
    if (this.options.pingIntervalMs <= 0) return;
    this.pingTimer = setInterval(() => {
      this.request({ type: 'ping' }, this.options.pingTimeoutMs).catch((err: unknown) => {
        if (err instanceof ConclaveError && err.code === 'request_timeout') {
          this.finish({ code: 4001, reason: 'The server stopped answering', byClient: false });
        }
      });
    }, this.options.pingIntervalMs);
  }

  private finish(info: SignalingCloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    const socket = this.socket;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      try {
        // Given up on by this side (4001: the server stopped answering) is not leaving: the server
        // keeps the participation for a resume (MEET-RECONNECT). Only a close on purpose says 1000.
        socket.close(closeCode(info), info.reason);
      } catch {
        // Already closed.
      }
    }
    const error = new ConclaveError('connection_closed', 'The connection to the meeting server closed');
    for (const [rid, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(rid);
      pending.reject(error);
    }
    this.emit('close', info);
  }
}

function closeCode(info: SignalingCloseInfo): number {
  if (info.code >= 3000 && info.code <= 4999) return info.code;
  return info.byClient && info.code >= 1000 && info.code !== 1005 ? info.code : 1000;
}

function errorFromFrame(frame: ServerMessageOf<'error'>): SignalingError {
  const code: ErrorCode = frame.code;
  return new SignalingError(code, frame.message || 'The server refused the request', {
    ...(frame.field !== undefined && { field: frame.field }),
    ...(frame.rid !== undefined && { rid: frame.rid }),
  });
}
