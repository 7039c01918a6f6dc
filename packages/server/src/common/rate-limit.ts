import type { Clock } from './clock';

export interface RateLimitRule {
  /** Events allowed per window. */
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts events per key in fixed windows, in memory, on the injected clock (so tests can expire a
 * window). One process only: with several nodes each enforces its own limit, which still bounds guessing.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly rule: RateLimitRule,
    private readonly clock: Clock,
    /** Beyond this many keys, expired windows are swept so an attacker cannot grow memory forever. */
    private readonly maxKeys = 50_000,
  ) {}

  /** Whether another event for this key would be allowed now, without counting one. */
  check(key: string): RateLimitDecision {
    const now = this.clock.now().getTime();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.rule.windowMs || w.count < this.rule.limit) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.rule.windowMs - now) / 1000)),
    };
  }

  /** Counts one event. */
  hit(key: string): void {
    const now = this.clock.now().getTime();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.rule.windowMs) {
      if (this.windows.size >= this.maxKeys) this.sweep(now);
      this.windows.set(key, { start: now, count: 1 });
    } else {
      w.count += 1;
    }
  }

  /** Checks and, when allowed, counts in one step. */
  consume(key: string): RateLimitDecision {
    const decision = this.check(key);
    if (decision.allowed) this.hit(key);
    return decision;
  }

  /** Takes back one counted event, e.g. an attempt that turned out to be legitimate. */
  refund(key: string): void {
    const w = this.windows.get(key);
    if (w && w.count > 0 && this.clock.now().getTime() - w.start < this.rule.windowMs) w.count -= 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.rule.windowMs) this.windows.delete(key);
    // Still full of live windows: drop the oldest rather than refuse to track new keys.
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}

/** "3 minutes", "45 seconds": for messages a person reads. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
