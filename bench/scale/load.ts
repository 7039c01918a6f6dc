// The NET-SCALE benchmark's load generator: simulated participants speaking the real signaling
// protocol (packages/protocol/src/signaling.ts) over Node's own WebSocket client, no media. Each
// meeting's roster changes run one at a time, so that every change has a known set of receivers: the
// meeting's other clients in it when it was sent. A change's time is from the action being sent to the
// last of them receiving it.
import type { ParticipantInfo, ServerMessage } from '@conclave/protocol';
import { syntheticPublishOffer } from '../../packages/server/test/media-support/sdp';

/** SIGNALING_PATH and SIGNALING_SUBPROTOCOL of @conclave/protocol, spelled out to keep this file type-only. */
const SIGNALING_PATH = '/api/signal';
const SIGNALING_SUBPROTOCOL = 'conclave.v1';
/** A change not seen by every receiver (or a request not answered) in this long counts as timed out. */
const CHANGE_TIMEOUT_MS = 10_000;

export type ChangeKind = 'join' | 'publish' | 'mute' | 'leave';

const SLOWEST = 8;

/** A slow change: which, how slow to everyone and to the sender's reply, on which nodes, when. */
export interface Slow {
  kind: ChangeKind;
  ms: number;
  replyMs: number;
  /** The node index of the sender's socket, and of the meeting's owner (its first joiner's node). */
  senderNode: number;
  ownerNode: number;
  /** Seconds since the step began. */
  atS: number;
}

/** What the run records: each change's time to every receiver, the senders' replies, what went wrong. */
export class Recorder {
  /** ms from sending to the last receiver, per kind; changes with nobody else in the meeting are left out. */
  readonly toAll: Record<ChangeKind, number[]> = { join: [], publish: [], mute: [], leave: [] };
  /** ms from sending to the sender's own reply (joined, publishAnswer, ack). */
  readonly reply: Record<ChangeKind, number[]> = { join: [], publish: [], mute: [], leave: [] };
  readonly timeouts: Record<ChangeKind, number> = { join: 0, publish: 0, mute: 0, leave: 0 };
  /** Error frames by code, `disconnected` frames by reason, sockets refused or closed unasked. */
  readonly errors: Record<string, number> = {};
  readonly firstErrors: string[] = [];
  /** The slowest roster changes, to see where they happened. */
  readonly slowest: Slow[] = [];
  private readonly start = performance.now();

  /** Keeps the `SLOWEST` slowest changes. */
  noteSlow(slow: Omit<Slow, 'atS'>, sentAt: number): void {
    if (this.slowest.length >= SLOWEST && slow.ms <= this.slowest.at(-1)!.ms) return;
    const round1 = (x: number) => Math.round(x * 10) / 10;
    this.slowest.push({
      ...slow,
      ms: round1(slow.ms),
      replyMs: round1(slow.replyMs),
      atS: round1((sentAt - this.start) / 1000),
    });
    this.slowest.sort((a, b) => b.ms - a.ms);
    this.slowest.length = Math.min(this.slowest.length, SLOWEST);
  }

  error(what: string, detail: string): void {
    this.errors[what] = (this.errors[what] ?? 0) + 1;
    if (this.firstErrors.length < 10) this.firstErrors.push(`${what}: ${detail}`);
  }
}

/** One roster change on its way: who must see it, who has. */
class Change {
  private readonly seen = new Map<Client, number>();
  private finish: (() => void) | null = null;
  readonly done: Promise<void>;

  constructor(
    readonly matches: (m: ServerMessage) => boolean,
    readonly receivers: ReadonlySet<Client>,
  ) {
    this.done =
      receivers.size === 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            this.finish = resolve;
          });
  }

  observe(client: Client, m: ServerMessage, at: number): void {
    if (!this.receivers.has(client) || this.seen.has(client) || !this.matches(m)) return;
    this.seen.set(client, at);
    if (this.seen.size === this.receivers.size) this.finish?.();
  }

  /** When the last receiver saw it, or null while some have not. */
  get lastSeen(): number | null {
    return this.seen.size === this.receivers.size ? Math.max(...this.seen.values()) : null;
  }
}

export class Meeting {
  /** Clients in the meeting now (joined, not left). */
  readonly members = new Set<Client>();
  readonly clients: Client[] = [];
  private change: Change | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly recorder: Recorder,
  ) {}

  /** Runs the action after this meeting's earlier ones (one roster change at a time per meeting). */
  enqueue(action: () => Promise<void>): void {
    this.queue = this.queue.then(action).catch((err: unknown) => {
      this.recorder.error('generator', err instanceof Error ? err.message : String(err));
    });
  }

  idle(): Promise<void> {
    return this.queue;
  }

  observe(client: Client, m: ServerMessage, at: number): void {
    this.change?.observe(client, m, at);
  }

  /**
   * Sends `request` from `sender` as a roster change that the meeting's other members must see
   * (`matches`), and records both times.
   */
  async measure(
    kind: ChangeKind,
    sender: Client,
    request: { type: string } & Record<string, unknown>,
    expectReply: ServerMessage['type'],
    matches: (m: ServerMessage) => boolean,
  ): Promise<ServerMessage | null> {
    const receivers = new Set([...this.members].filter((c) => c !== sender));
    const change = new Change(matches, receivers);
    this.change = change;
    const sentAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CHANGE_TIMEOUT_MS);
    });
    try {
      const replied = sender.request(request).then((reply) => ({ reply, at: performance.now() }));
      const [answer, all] = await Promise.all([
        Promise.race([replied, timedOut]),
        Promise.race([change.done.then(() => 'done' as const), timedOut]),
      ]);
      if (answer === 'timeout') {
        this.recorder.error('no_reply', `${request.type} of ${sender.name}`);
        this.recorder.timeouts[kind]++;
        return null;
      }
      if (answer.reply.type !== expectReply) {
        this.recorder.error(
          `reply_${answer.reply.type}`,
          `${request.type} of ${sender.name}: ${JSON.stringify(answer.reply)}`,
        );
        return null;
      }
      this.recorder.reply[kind].push(answer.at - sentAt);
      const last = change.lastSeen;
      if (all === 'timeout' || last === null) this.recorder.timeouts[kind]++;
      else if (receivers.size > 0) {
        this.recorder.toAll[kind].push(last - sentAt);
        const ownerNode = this.clients[0]!.node;
        this.recorder.noteSlow(
          { kind, ms: last - sentAt, replyMs: answer.at - sentAt, senderNode: sender.node, ownerNode },
          sentAt,
        );
      }
      return answer.reply;
    } finally {
      clearTimeout(timer);
      this.change = null;
    }
  }
}

/** One simulated participant: a guest joining by name, with its own client address. */
export class Client {
  id: string | null = null;
  private ws: WebSocket | null = null;
  private left = false;
  private microphoneMuted = false;
  private nextRid = 0;
  private readonly replies = new Map<string, (m: ServerMessage) => void>();

  constructor(
    readonly name: string,
    readonly meeting: Meeting,
    /** The node this client's socket goes to, straight (not through the balancer): index, URL. */
    readonly node: number,
    private readonly nodeUrl: string,
    /** The public URL: the Origin every page of the service sends. */
    private readonly origin: string,
    /** Its X-Forwarded-For: each client its own address, as people behind a proxy would have. */
    private readonly address: string,
    private readonly recorder: Recorder,
  ) {}

  /** Opens the signaling socket (not measured: the join is). */
  open(): Promise<void> {
    const url = `${this.nodeUrl.replace(/^http/, 'ws')}${SIGNALING_PATH}`;
    // Node's WebSocket (undici) takes request headers besides the protocols; the DOM's type does not say so.
    const init = {
      protocols: [SIGNALING_SUBPROTOCOL],
      headers: { origin: this.origin, 'x-forwarded-for': this.address },
    };
    const ws = new WebSocket(url, init as unknown as string[]);
    this.ws = ws;
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`${this.name}: the socket to ${url} did not open`));
      ws.onclose = (e) => {
        if (!this.left) this.recorder.error('socket_closed', `${this.name}: ${e.code} ${e.reason}`);
      };
      ws.onmessage = (e: MessageEvent<string>) => this.receive(e.data, performance.now());
    });
  }

  private receive(data: string, at: number): void {
    const m = JSON.parse(data) as ServerMessage;
    if ('rid' in m && m.rid !== undefined) {
      const resolve = this.replies.get(m.rid);
      this.replies.delete(m.rid);
      resolve?.(m);
    }
    if (m.type === 'error') this.recorder.error(`error_${m.code}`, `${this.name}: ${m.message}`);
    if (m.type === 'disconnected')
      this.recorder.error(`disconnected_${m.reason}`, `${this.name}: ${m.message}`);
    this.meeting.observe(this, m, at);
  }

  request(message: { type: string } & Record<string, unknown>): Promise<ServerMessage> {
    const rid = `r${++this.nextRid}`;
    return new Promise((resolve) => {
      this.replies.set(rid, resolve);
      this.ws!.send(JSON.stringify({ ...message, rid }));
    });
  }

  /** Joins by name (the server issues a guest token); the others must hear `participantJoined`. */
  async join(): Promise<void> {
    const reply = await this.meeting.measure(
      'join',
      this,
      { type: 'join', meetingId: this.meeting.id, displayName: this.name },
      'joined',
      (m) => m.type === 'participantJoined' && m.participant.displayName === this.name,
    );
    if (reply?.type !== 'joined') throw new Error(`${this.name} did not join`);
    this.id = reply.participantId;
    this.meeting.members.add(this);
  }

  /** Publishes microphone and camera with an offer Janus answers (no media flows); others see the tracks. */
  async publish(): Promise<void> {
    await this.meeting.measure(
      'publish',
      this,
      {
        type: 'publish',
        sdp: syntheticPublishOffer(),
        tracks: [
          { mid: '0', source: 'microphone' },
          { mid: '1', source: 'camera' },
        ],
      },
      'publishAnswer',
      (m) =>
        m.type === 'participantUpdated' && m.participant.id === this.id && m.participant.tracks.length === 2,
    );
  }

  /** Mutes the microphone if it is on, else unmutes it; the others see it in `participantUpdated`. */
  async toggleMute(): Promise<void> {
    const muted = !this.microphoneMuted;
    const reply = await this.meeting.measure(
      'mute',
      this,
      { type: 'setMute', source: 'microphone', muted },
      'ack',
      (m) =>
        m.type === 'participantUpdated' && m.participant.id === this.id && micMuted(m.participant) === muted,
    );
    if (reply) this.microphoneMuted = muted;
  }

  /** Leaves; the others hear `participantLeft`, and the server closes the socket. */
  async leave(): Promise<void> {
    this.left = true;
    this.meeting.members.delete(this);
    await this.meeting.measure(
      'leave',
      this,
      { type: 'leave' },
      'ack',
      (m) => m.type === 'participantLeft' && m.participantId === this.id,
    );
  }

  /** Closes the socket if it is still open (after a failure). */
  close(): void {
    this.left = true;
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
  }
}

const micMuted = (p: ParticipantInfo) => p.tracks.find((t) => t.source === 'microphone')?.muted;

/**
 * Calls `act` for each item at a fixed rate from now (the k-th at k / perSecond s); each act only
 * queues work. Resolves once the last one was started.
 */
export async function paced<T>(
  items: readonly T[],
  perSecond: number,
  act: (item: T) => void,
): Promise<void> {
  const start = performance.now();
  for (let k = 0; k < items.length; k++) {
    const wait = start + (k * 1000) / perSecond - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    act(items[k]!);
  }
}
