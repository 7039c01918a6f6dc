import type { Clock } from '../common/clock';

export interface MessageLimits {
  /** Messages a socket may send at once. */
  burst: number;
  /** Sustained messages per second. */
  perSecond: number;
  /** Refused messages within `abuseWindowMs` after which the socket is closed. */
  abuseThreshold: number;
  abuseWindowMs: number;
}

/** Generous for a browser (a burst of ICE candidates), tight enough to bound one socket's cost. */
export const DEFAULT_MESSAGE_LIMITS: MessageLimits = {
  burst: 100,
  perSecond: 50,
  abuseThreshold: 1000,
  abuseWindowMs: 10_000,
};

/** A token bucket per socket, plus a count of refusals that marks sustained abuse. */
export class MessageRateLimiter {
  private tokens: number;
  private last: number;
  private refused = 0;
  private refusedSince: number;

  constructor(
    private readonly limits: MessageLimits,
    private readonly clock: Clock,
  ) {
    this.tokens = limits.burst;
    this.last = clock.now().getTime();
    this.refusedSince = this.last;
  }

  /** 'ok' to handle the message, 'limited' to refuse it, 'abusive' to close the socket. */
  take(): 'ok' | 'limited' | 'abusive' {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(
      this.limits.burst,
      this.tokens + ((now - this.last) / 1000) * this.limits.perSecond,
    );
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    if (now - this.refusedSince > this.limits.abuseWindowMs) {
      this.refused = 0;
      this.refusedSince = now;
    }
    this.refused += 1;
    return this.refused > this.limits.abuseThreshold ? 'abusive' : 'limited';
  }
}
