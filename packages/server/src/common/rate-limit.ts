import type { Clock } from './clock';

export interface RateLimitRule {
  /** Events allowed per window. */
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

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
 * Events per key in fixed windows. `consume` checks and counts in one step, so parallel callers
 * (on one node or many) can never count past the limit. Giving back (`refund`, `reset`) never
 * throws: where the store cannot be reached, the count stays, which errs on the side of refusing.
 */
export interface WindowLimiter {
  /** Counts one event if the key is under its limit; otherwise says how long to wait. */
  consume(key: string): Promise<RateLimitDecision>;
  /** Takes back one counted event, e.g. an attempt that turned out to be legitimate. */
  refund(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/**
 * Growing delays per key: after `free` failures, each attempt must wait twice as long as the one
 * before. An attempt is counted as a failure when it is reserved, before the expensive check, so
 * parallel attempts cannot slip past the limit; `succeeded()` forgets the key (and never throws).
 */
export interface BackoffLimiter {
  /** Reserves an attempt now (counted as a failure until `succeeded`), or says how long to wait. */
  reserve(key: string): Promise<RateLimitDecision>;
  succeeded(key: string): Promise<void>;
}

/**
 * Where limits are kept: in this process (the embedded default) or in Redis, shared by every
 * control-plane node (NET-SCALE). `name` tells one limiter's keys from another's; it is ours, never
 * a client's. Counting may reject (a store that does not answer): callers let that error through,
 * so an attempt that could not be counted is refused rather than let through unlimited.
 */
export interface Limiters {
  window(name: string, rule: RateLimitRule): WindowLimiter;
  backoff(name: string, rule: BackoffRule): BackoffLimiter;
}

/** Limits in this process's memory: one node's view, forgotten on restart. */
export function memoryLimiters(clock: Clock): Limiters {
  return {
    window: (_name, rule) => new MemoryWindowLimiter(rule, clock),
    backoff: (_name, rule) => new MemoryBackoffLimiter(rule, clock),
  };
}

/** "3 minutes", "45 seconds": for messages a person reads. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Whole seconds to wait, at least one, for a wait in milliseconds. */
export function waitSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Beyond this many keys, expired entries are swept so an attacker cannot grow memory forever. */
const MAX_KEYS = 50_000;

/** Fixed windows on the injected clock (so tests can expire a window). */
class MemoryWindowLimiter implements WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly rule: RateLimitRule,
    private readonly clock: Clock,
  ) {}

  // Synchronous inside: nothing between the check and the count can interleave.
  consume(key: string): Promise<RateLimitDecision> {
    const now = this.clock.now().getTime();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.rule.windowMs) {
      if (this.windows.size >= MAX_KEYS) this.sweep(now);
      this.windows.set(key, { start: now, count: 1 });
    } else if (w.count < this.rule.limit) {
      w.count += 1;
    } else {
      return Promise.resolve({
        allowed: false,
        retryAfterSeconds: waitSeconds(w.start + this.rule.windowMs - now),
      });
    }
    return Promise.resolve({ allowed: true });
  }

  refund(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (w && w.count > 0 && this.clock.now().getTime() - w.start < this.rule.windowMs) w.count -= 1;
    return Promise.resolve();
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.rule.windowMs) this.windows.delete(key);
    dropOldest(this.windows);
  }
}

class MemoryBackoffLimiter implements BackoffLimiter {
  private readonly keys = new Map<string, { failures: number; nextAt: number; lastAt: number }>();

  constructor(
    private readonly rule: BackoffRule,
    private readonly clock: Clock,
  ) {}

  reserve(key: string): Promise<RateLimitDecision> {
    const now = this.clock.now().getTime();
    let k = this.keys.get(key);
    if (k && now - k.lastAt >= this.rule.forgetAfterMs) k = undefined;
    if (k && k.failures >= this.rule.free && now < k.nextAt) {
      return Promise.resolve({ allowed: false, retryAfterSeconds: waitSeconds(k.nextAt - now) });
    }
    if (!k) {
      if (this.keys.size >= MAX_KEYS) this.sweep(now);
      k = { failures: 0, nextAt: now, lastAt: now };
    }
    k.failures += 1;
    k.lastAt = now;
    const over = k.failures - this.rule.free;
    k.nextAt = over < 0 ? now : now + Math.min(this.rule.initialDelayMs * 2 ** over, this.rule.maxDelayMs);
    this.keys.set(key, k);
    return Promise.resolve({ allowed: true });
  }

  succeeded(key: string): Promise<void> {
    this.keys.delete(key);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    for (const [key, k] of this.keys) if (now - k.lastAt >= this.rule.forgetAfterMs) this.keys.delete(key);
    dropOldest(this.keys);
  }
}

/** Still full of live entries after a sweep: drop the oldest rather than refuse to track new keys. */
function dropOldest(map: Map<string, unknown>): void {
  while (map.size >= MAX_KEYS) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}
