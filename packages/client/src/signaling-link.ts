import type { ClientMessage, ServerMessage, ServerMessageOf } from '@conclave/protocol';
import { ConclaveError } from './errors';
import { TypedEmitter } from './events';
import { resumeParticipation, type ResumeJoin, type Resumed } from './resume';
import {
  SignalingClient,
  type ReplyMap,
  type RequestMessage,
  type SignalingChannel,
  type SignalingCloseInfo,
  type SocketFactory,
} from './signaling';

export interface SignalingLinkEvents {
  /** A server message that is not the reply to a pending request, whichever socket brought it. */
  message: [message: ServerMessage];
  /** The socket dropped and the participation is being taken up again on a new one (MEET-RECONNECT). */
  resuming: [];
  /** The participation (or wait in the lobby) was taken up again on a new socket: the reply that said so. */
  resumed: [reply: ServerMessageOf<'joined' | 'waiting'>];
  /** Emitted exactly once: the socket ended and was not resumed (or could not be), or `close()`. */
  close: [info: SignalingCloseInfo];
}

export interface SignalingLinkOptions {
  url: string;
  requestTimeoutMs: number;
  createSocket?: SocketFactory;
}

/** Traffic that waits for the new socket while the participation is being resumed. */
interface Held {
  go(): void;
  fail(error: ConclaveError): void;
}

/**
 * A session's signaling, whichever socket carries it. Once told how (`resumeWith`), it takes the
 * participation up again on a new socket when its socket drops without the server ending it, e.g.
 * because the control-plane node behind it died (NET-SCALE); the publisher, the subscriber and E2EE
 * keep sending through it meanwhile. Only if that fails does it close.
 */
export class SignalingLink extends TypedEmitter<SignalingLinkEvents> implements SignalingChannel {
  private client: SignalingClient;
  /** Set while resuming; aborting it stops trying. */
  private resuming: AbortController | null = null;
  private held: Held[] = [];
  private resumeJoin: ResumeJoin | null = null;
  /** The server said it ends the participation (`disconnected`): its socket closing is not resumed. */
  private serverEnded = false;
  private ended = false;

  constructor(private readonly options: SignalingLinkOptions) {
    super();
    this.client = this.newClient();
  }

  /** Open, and not resuming. */
  get isOpen(): boolean {
    return !this.ended && !this.resuming && this.client.isOpen;
  }

  /** Opens the first socket (see SignalingClient.connect). */
  connect(): Promise<void> {
    return this.client.connect();
  }

  /** How to take the participation up again if the socket drops; null: the server offers no resuming. */
  resumeWith(join: ResumeJoin | null): void {
    this.resumeJoin = join;
  }

  /**
   * Sends a request and resolves with its reply. While resuming, it waits for the new socket, and
   * rejects with `connection_closed` if resuming fails.
   */
  request<M extends RequestMessage>(message: M, timeoutMs?: number): Promise<ReplyMap[M['type']]> {
    if (!this.resuming) return this.client.request(message, timeoutMs);
    if (message.type === 'subscriptionAnswer') {
      // An answer belongs to the offer of the socket it came on: the server offers a resumed
      // participation again what it has not had answered, so holding one would answer twice.
      return Promise.reject(new ConclaveError('connection_closed', 'The offer went with its connection'));
    }
    return new Promise<ReplyMap[M['type']]>((resolve, reject) => {
      this.held.push({
        go: () => void this.client.request(message, timeoutMs).then(resolve, reject),
        fail: reject,
      });
    });
  }

  /**
   * Sends a message that expects no reply; false when it cannot go (closed). While resuming it waits
   * for the new socket: candidates too, since a connection restarting ICE meanwhile needs them there.
   */
  send(message: ClientMessage): boolean {
    if (!this.resuming) return this.client.send(message);
    this.held.push({ go: () => this.client.send(message), fail: () => {} });
    return true;
  }

  /** Closes the socket, or stops resuming; waiting requests reject with `connection_closed`. */
  close(code = 1000, reason = ''): void {
    if (this.resuming) this.end({ code, reason, byClient: true });
    else this.client.close(code, reason);
  }

  private newClient(connectTimeoutMs?: number): SignalingClient {
    const client = new SignalingClient({
      url: this.options.url,
      requestTimeoutMs: this.options.requestTimeoutMs,
      ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
      ...(this.options.createSocket && { createSocket: this.options.createSocket }),
    });
    // A resume attempt's socket speaks for the link once adopted: that happens as its `joined` is
    // handled, before the socket can deliver anything after it.
    client.on('message', (message) => {
      if (client === this.client) this.receive(message);
    });
    client.on('close', (info) => {
      if (client === this.client) this.dropped(info);
    });
    return client;
  }

  private receive(message: ServerMessage): void {
    if (message.type === 'disconnected') this.serverEnded = true;
    this.emit('message', message);
  }

  private dropped(info: SignalingCloseInfo): void {
    if (this.ended) return;
    const join = this.resumeJoin;
    if (info.byClient || this.serverEnded || !join) this.end(info);
    else void this.resume(join, info);
  }

  private async resume(join: ResumeJoin, lost: SignalingCloseInfo): Promise<void> {
    this.resuming = new AbortController();
    this.emit('resuming');
    let resumed: Resumed;
    try {
      resumed = await resumeParticipation({
        join,
        open: (connectTimeoutMs) => this.newClient(connectTimeoutMs),
        attemptTimeoutMs: this.options.requestTimeoutMs,
        signal: this.resuming.signal,
      });
    } catch {
      this.end(lost);
      return;
    }
    if (this.ended) {
      resumed.client.close();
      return;
    }
    this.client = resumed.client;
    this.resuming = null;
    this.emit('resumed', resumed.reply);
    for (const held of this.held.splice(0)) held.go();
  }

  private end(info: SignalingCloseInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.resuming?.abort();
    this.resuming = null;
    const error = new ConclaveError('connection_closed', 'The connection to the meeting server closed');
    for (const held of this.held.splice(0)) held.fail(error);
    this.emit('close', info);
  }
}
