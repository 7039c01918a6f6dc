import type { FastifyBaseLogger } from 'fastify';
import type { RedisConnection } from '../redis';
import type { NodeBus } from './bus';
import type { ClusterEvent, NodeMessage } from './messages';

/** A node's own channel: what is addressed to it. Its subscriber count says whether the node is up. */
export const NODE_CHANNEL = 'conclave:node:';
const EVENTS_CHANNEL = 'conclave:events';

/**
 * The node bus over Redis pub/sub: a channel per node for what is addressed to it, one channel for
 * events every node hears. Redis delivers one publisher's messages in order, which is what keeps a
 * seat's requests in order. Redis must sit on a private network: nodes trust what comes over it.
 */
export class RedisBus implements NodeBus {
  private readonly messageHandlers: Array<(from: string, m: NodeMessage) => void> = [];
  private readonly eventHandlers: Array<(e: ClusterEvent) => void> = [];
  private readonly unreachableHandlers: Array<(node: string) => void> = [];
  /** Messages to each node since the last flush: one PUBLISH per node per turn of the event loop. */
  private readonly outbox = new Map<string, NodeMessage[]>();
  private readonly subscriber: RedisConnection;

  private constructor(
    readonly nodeId: string,
    private readonly publisher: RedisConnection,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.subscriber = publisher.duplicate('bus');
  }

  /** Connects and subscribes, waiting up to `timeoutMs` for Redis. */
  static async open(
    nodeId: string,
    redis: RedisConnection,
    logger: FastifyBaseLogger,
    timeoutMs = 10_000,
  ): Promise<RedisBus> {
    const bus = new RedisBus(nodeId, redis, logger);
    await bus.subscribe(timeoutMs);
    return bus;
  }

  /**
   * Queues the message for `to`; what is queued in one synchronous run (a roster change sent to every
   * participant of a meeting) leaves as one PUBLISH per node, in order.
   */
  send(to: string, message: NodeMessage): void {
    const batch = this.outbox.get(to);
    if (batch) {
      batch.push(message);
      return;
    }
    this.outbox.set(to, [message]);
    if (this.outbox.size === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    for (const [to, messages] of this.outbox) {
      this.publish(NODE_CHANNEL + to, JSON.stringify({ from: this.nodeId, messages })).then(
        (receivers) => {
          if (receivers === 0) for (const handler of this.unreachableHandlers) handler(to);
        },
        () => undefined,
      );
    }
    this.outbox.clear();
  }

  broadcast(event: ClusterEvent): void {
    void this.publish(EVENTS_CHANNEL, JSON.stringify({ from: this.nodeId, event })).catch(() => undefined);
  }

  onMessage(handler: (from: string, message: NodeMessage) => void): void {
    this.messageHandlers.push(handler);
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.eventHandlers.push(handler);
  }

  onUnreachable(handler: (node: string) => void): void {
    this.unreachableHandlers.push(handler);
  }

  /** Closes both its connections: it owns the one it was given to publish on. */
  async close(): Promise<void> {
    this.flush();
    await this.subscriber.close();
    await this.publisher.close();
  }

  /**
   * Subscribes once Redis answers: now, or when it first comes up (the node serves meanwhile, like
   * with a media server that is not up yet). ioredis subscribes again by itself after a reconnection.
   */
  private async subscribe(timeoutMs: number): Promise<void> {
    const client = this.subscriber.client;
    client.on('message', (channel: string, text: string) => this.receive(channel, text));
    const subscribe = () =>
      client.subscribe(NODE_CHANNEL + this.nodeId, EVENTS_CHANNEL).catch((err: unknown) => {
        this.subscriber.reportFailure(err, 'node bus subscribe');
      });
    if (await this.subscriber.ready(timeoutMs)) await subscribe();
    else client.once('ready', () => void subscribe());
  }

  private receive(channel: string, text: string): void {
    let parsed: { from: string; messages?: NodeMessage[]; event?: ClusterEvent };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (err) {
      this.logger.warn({ err, channel }, 'unreadable message on the node bus');
      return;
    }
    if (channel === EVENTS_CHANNEL) {
      if (parsed.from === this.nodeId || !parsed.event) return;
      for (const handler of this.eventHandlers) handler(parsed.event);
    } else {
      for (const message of parsed.messages ?? []) {
        for (const handler of this.messageHandlers) handler(parsed.from, message);
      }
    }
  }

  /** Resolves with how many subscribers received it; a failure is reported, then rethrown. */
  private async publish(channel: string, text: string): Promise<number> {
    try {
      return await this.publisher.client.publish(channel, text);
    } catch (err) {
      this.publisher.reportFailure(err, 'node bus publish');
      throw err;
    }
  }
}
