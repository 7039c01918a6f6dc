import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import {
  waitSeconds,
  type BackoffLimiter,
  type BackoffRule,
  type Limiters,
  type RateLimitDecision,
  type RateLimitRule,
  type WindowLimiter,
} from '../common/rate-limit';
import type { RedisConnection } from './connection';
import { hashedKey } from './keys';
import { RedisScript } from './script';

// The same rules as the in-memory limiters (common/rate-limit.ts), as one script per operation so
// that the check and the count happen atomically on the one Redis every node shares. Time is the
// caller's clock (passed in, like the in-memory limiters' injected clock), so nodes must keep their
// clocks in step (NTP); a skew of seconds only shifts windows of minutes. Each key expires with its
// window, so nothing is left behind. The scripts return the wait in ms: 0 means allowed.

/** KEYS[1] = hash { s: window start, c: count }; ARGV = now, limit, window. */
const windowConsume = new RedisScript(`
local now, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local w = redis.call('HMGET', KEYS[1], 's', 'c')
local start, count = tonumber(w[1]), tonumber(w[2])
if start == nil or count == nil or now - start >= window then
  redis.call('HSET', KEYS[1], 's', now, 'c', 1)
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
if count >= limit then return math.max(1, start + window - now) end
redis.call('HINCRBY', KEYS[1], 'c', 1)
return 0
`);

/** KEYS[1] = the window's hash; ARGV = now, window. Only a live window with a count is given back to. */
const windowRefund = new RedisScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local w = redis.call('HMGET', KEYS[1], 's', 'c')
local start, count = tonumber(w[1]), tonumber(w[2])
if start ~= nil and count ~= nil and count > 0 and now - start < window then
  redis.call('HINCRBY', KEYS[1], 'c', -1)
end
return 0
`);

/**
 * KEYS[1] = hash { f: failures, n: next attempt allowed at, l: last failure at };
 * ARGV = now, free, initial delay, max delay, forget after.
 */
const backoffReserve = new RedisScript(`
local now, free, initial, maxDelay, forget =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local k = redis.call('HMGET', KEYS[1], 'f', 'n', 'l')
local failures, nextAt, lastAt = tonumber(k[1]), tonumber(k[2]), tonumber(k[3])
if failures == nil or nextAt == nil or lastAt == nil or now - lastAt >= forget then
  failures, nextAt = 0, now
end
if failures > 0 and failures >= free and now < nextAt then return math.max(1, nextAt - now) end
failures = failures + 1
local over = failures - free
if over < 0 then nextAt = now else nextAt = now + math.min(initial * 2 ^ over, maxDelay) end
redis.call('HSET', KEYS[1], 'f', failures, 'n', nextAt, 'l', now)
redis.call('PEXPIRE', KEYS[1], forget)
return 0
`);

/**
 * Limits kept in Redis, shared by every node that uses the same Redis (NET-SCALE). Counting fails
 * closed: when Redis does not answer, the attempt is refused with 503 `unavailable` rather than
 * let through unlimited (a password or passcode guess must never be free); giving back is best
 * effort and only logged.
 */
export function redisLimiters(redis: RedisConnection, clock: Clock): Limiters {
  const now = () => clock.now().getTime();
  const counted = async (name: string, run: () => Promise<unknown>): Promise<RateLimitDecision> => {
    let waitMs: unknown;
    try {
      waitMs = await run();
    } catch (err) {
      redis.reportFailure(err, `rate limit ${name}`);
      throw limitsUnavailable();
    }
    if (typeof waitMs !== 'number') throw new Error(`rate limit ${name}: unexpected reply from Redis`);
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: waitSeconds(waitMs) } : { allowed: true };
  };
  const givenBack = async (name: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      redis.reportFailure(err, `rate limit ${name} (giving back)`);
    }
  };

  return {
    window(name: string, rule: RateLimitRule): WindowLimiter {
      const key = (k: string) => hashedKey(`limit:${name}`, k);
      return {
        consume: (k) =>
          counted(name, () => windowConsume.run(redis.client, [key(k)], [now(), rule.limit, rule.windowMs])),
        refund: (k) =>
          givenBack(name, () => windowRefund.run(redis.client, [key(k)], [now(), rule.windowMs])),
        reset: (k) => givenBack(name, () => redis.client.del(key(k))),
      };
    },
    backoff(name: string, rule: BackoffRule): BackoffLimiter {
      const key = (k: string) => hashedKey(`limit:${name}`, k);
      return {
        reserve: (k) =>
          counted(name, () =>
            backoffReserve.run(
              redis.client,
              [key(k)],
              [now(), rule.free, rule.initialDelayMs, rule.maxDelayMs, rule.forgetAfterMs],
            ),
          ),
        succeeded: (k) => givenBack(name, () => redis.client.del(key(k))),
      };
    },
  };
}

/** What a person reads (sign-in page, join page): the limit store's trouble is the log's business. */
const limitsUnavailable = () =>
  new AppError(503, 'unavailable', 'The server cannot check this right now. Try again in a moment.');
