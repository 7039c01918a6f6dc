import { performance } from 'node:perf_hooks';
import type { ServerMessage } from '@conclave/protocol';
import type { SignalingMetrics } from '../metrics';

/**
 * Times one connection's way into a meeting from the frames it receives and sends. Durations use the
 * monotonic clock, not the injectable Clock: they measure the process, not the calendar.
 */
export class JoinSteps {
  private joinAt: number | null = null;

  constructor(private readonly metrics: SignalingMetrics) {}

  /** When a frame arrived, for the timings that start there. */
  static now(): number {
    return performance.now();
  }

  /** A join request that arrived at `at` is being handled. */
  joining(at: number): void {
    this.joinAt = at;
  }

  /** A publish that arrived at `at` was answered just now. */
  published(at: number): void {
    this.metrics.joinStep('publish_to_answer', since(at));
  }

  /**
   * Watches what the connection sends: `joined` ends the first step; the first `subscriptionOffer`
   * ends the second, which is only timed when someone was already publishing at the join (otherwise
   * it would measure how long the others took to start, not the server).
   */
  sent(message: ServerMessage): void {
    if (this.joinAt === null) return;
    if (message.type === 'waiting') {
      // How long a lobby takes is people's decision, not the server's.
      this.joinAt = null;
    } else if (message.type === 'joined') {
      this.metrics.joinStep('join_to_joined', since(this.joinAt));
      const othersPublish = message.participants.some(
        (p) => p.id !== message.participantId && p.tracks.length > 0,
      );
      if (!othersPublish) this.joinAt = null;
    } else if (message.type === 'subscriptionOffer') {
      this.metrics.joinStep('join_to_first_offer', since(this.joinAt));
      this.joinAt = null;
    }
  }
}

const since = (at: number) => (performance.now() - at) / 1000;
