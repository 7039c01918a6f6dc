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

export interface BackoffRule {
  /** Failures allowed back to back before the first wait. */
  free: number;
  /** The first wait; each further failure doubles it… */
  initialDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /** A key with no failure for this long starts afresh. */
  forgetAfterMs: number;
}

/**
 * Growing delays per key: after `free` failures, each attempt must wait twice as long as the one
 * before. An attempt is counted as a failure when it is reserved, before the expensive check, so
 * parallel attempts cannot slip past the limit; `succeeded()` forgets the key.
 */
export class BackoffLimiter {
  private readonly keys = new Map<string, { failures: number; nextAt: number; lastAt: number }>();

  constructor(
    private readonly rule: BackoffRule,
    private readonly clock: Clock,
    private readonly maxKeys = 50_000,
  ) {}

  /** Reserves an attempt now (counted as a failure until `succeeded`), or says how long to wait. */
  reserve(key: string): RateLimitDecision {
    const now = this.clock.now().getTime();
    let k = this.keys.get(key);
    if (k && now - k.lastAt >= this.rule.forgetAfterMs) k = undefined;
    if (k && k.failures >= this.rule.free && now < k.nextAt) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((k.nextAt - now) / 1000)) };
    }
    if (!k) {
      if (this.keys.size >= this.maxKeys) this.sweep(now);
      k = { failures: 0, nextAt: now, lastAt: now };
    }
    k.failures += 1;
    k.lastAt = now;
    const over = k.failures - this.rule.free;
    k.nextAt = over < 0 ? now : now + Math.min(this.rule.initialDelayMs * 2 ** over, this.rule.maxDelayMs);
    this.keys.set(key, k);
    return { allowed: true };
  }

  succeeded(key: string): void {
    this.keys.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, k] of this.keys) if (now - k.lastAt >= this.rule.forgetAfterMs) this.keys.delete(key);
    while (this.keys.size >= this.maxKeys) {
      const oldest = this.keys.keys().next().value;
      if (oldest === undefined) break;
      this.keys.delete(oldest);
    }
  }
}
