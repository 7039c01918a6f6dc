import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/common/clock';
import { memoryLimiters, type Limiters, type RateLimitDecision } from '../src/common/rate-limit';
import { redisLimiters, type RedisConnection } from '../src/redis';
import { connectTestRedis, describeWithRedis } from './support/redis';

const MINUTE = 60_000;
const WINDOW = { limit: 3, windowMs: MINUTE };
const BACKOFF = { free: 2, initialDelayMs: 10_000, maxDelayMs: 40_000, forgetAfterMs: 3600_000 };

const allowed = (d: RateLimitDecision) => d.allowed;
const waitOf = (d: RateLimitDecision) => (d.allowed ? 0 : d.retryAfterSeconds);

/**
 * What every limit store must do, run on the in-memory store (the embedded default) and on Redis
 * (shared by nodes): the same rules, so a deployment that adds Redis changes where the counts live,
 * not what they allow.
 */
function limiterContract(make: (clock: ManualClock) => Limiters): void {
  // Names and keys unique per test: one Redis serves the whole test run.
  const names = () => `test-${randomUUID()}`;

  test('IAM-LOCAL: a window allows its limit, then says how long to wait, and opens again when it ends', async () => {
    const clock = new ManualClock();
    const w = make(clock).window(names(), WINDOW);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await w.consume('k'));
    assert.deepEqual(decisions.map(allowed), [true, true, true, false]);
    assert.equal(waitOf(decisions[3]!), 60);
    clock.advance(45_000);
    assert.equal(waitOf(await w.consume('k')), 15, 'the wait counts down with the window');
    assert.equal((await w.consume('other')).allowed, true, 'keys are counted apart');
    clock.advance(15_000);
    assert.equal((await w.consume('k')).allowed, true, 'a new window');
  });

  test('IAM-LOCAL: refund gives one event back within its window; reset forgets the key', async () => {
    const clock = new ManualClock();
    const w = make(clock).window(names(), WINDOW);
    for (let i = 0; i < 3; i++) await w.consume('k');
    await w.refund('k');
    assert.equal((await w.consume('k')).allowed, true, 'the refunded event');
    assert.equal((await w.consume('k')).allowed, false);
    await w.reset('k');
    for (let i = 0; i < 3; i++) assert.equal((await w.consume('k')).allowed, true, `after reset, ${i}`);
    await w.refund('never-counted');
    assert.equal((await w.consume('never-counted')).allowed, true);
    // A refund after the window ended does not reach into the next one.
    const x = make(clock).window(names(), WINDOW);
    for (let i = 0; i < 3; i++) await x.consume('k');
    clock.advance(MINUTE);
    await x.refund('k');
    for (let i = 0; i < 3; i++) assert.equal((await x.consume('k')).allowed, true);
    assert.equal((await x.consume('k')).allowed, false);
  });

  test('IAM-LOCAL: backoff lets a few attempts through, then waits that double up to the cap; success forgets', async () => {
    const clock = new ManualClock();
    const b = make(clock).backoff(names(), BACKOFF);
    assert.equal((await b.reserve('k')).allowed, true);
    assert.equal((await b.reserve('k')).allowed, true);
    // The second free attempt already set the first wait.
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const refused = await b.reserve('k');
      waits.push(waitOf(refused));
      clock.advance(waitOf(refused) * 1000);
      assert.equal((await b.reserve('k')).allowed, true, `after waiting ${waitOf(refused)} s`);
    }
    assert.deepEqual(waits, [10, 20, 40, 40]);
    await b.succeeded('k');
    assert.equal((await b.reserve('k')).allowed, true);
    assert.equal((await b.reserve('k')).allowed, true, 'free attempts again after a success');
    assert.equal((await b.reserve('k')).allowed, false);
    clock.advance(3600_000);
    assert.equal((await b.reserve('k')).allowed, true, 'forgotten after forgetAfterMs without failures');
  });

  test('IAM-LOCAL: parallel attempts never count past the limit', async () => {
    const limiters = make(new ManualClock());
    const w = limiters.window(names(), { limit: 10, windowMs: MINUTE });
    const b = limiters.backoff(names(), { ...BACKOFF, free: 5 });
    const windows = await Promise.all(Array.from({ length: 50 }, () => w.consume('k')));
    const backoffs = await Promise.all(Array.from({ length: 50 }, () => b.reserve('k')));
    assert.equal(windows.filter(allowed).length, 10);
    assert.equal(backoffs.filter(allowed).length, 5);
  });
}

describe('limits kept in memory', () => limiterContract((clock) => memoryLimiters(clock)));

describeWithRedis('limits kept in Redis', (url) => {
  let redis: RedisConnection;
  let other: RedisConnection;
  before(async () => {
    redis = await connectTestRedis(url, 'node-a');
    other = await connectTestRedis(url, 'node-b');
  });
  after(async () => {
    await redis?.close();
    await other?.close();
  });

  limiterContract((clock) => redisLimiters(redis, clock));

  test('NET-SCALE: 50 parallel consumes from two nodes with a limit of 10 allow exactly 10', async () => {
    const clock = new ManualClock();
    const name = `test-${randomUUID()}`;
    const nodes = [redisLimiters(redis, clock), redisLimiters(other, clock)];
    const windows = nodes.map((n) => n.window(name, { limit: 10, windowMs: MINUTE }));
    const backoffs = nodes.map((n) => n.backoff(name, { ...BACKOFF, free: 5 }));
    const w = await Promise.all(Array.from({ length: 50 }, (_, i) => windows[i % 2]!.consume('k')));
    const b = await Promise.all(Array.from({ length: 50 }, (_, i) => backoffs[i % 2]!.reserve('k')));
    assert.equal(w.filter(allowed).length, 10);
    assert.equal(b.filter(allowed).length, 5);
    // And one node gives back what the other counted.
    await windows[1]!.refund('k');
    assert.equal((await windows[0]!.consume('k')).allowed, true);
    assert.equal((await windows[0]!.consume('k')).allowed, false);
  });

  test('NET-SCALE: keys are prefixed conclave:, bounded in length whatever the client sent, and expire with their window', async () => {
    const name = `test-${randomUUID()}`;
    const email = `${'x'.repeat(10_000)}@example.test`;
    await redisLimiters(redis, new ManualClock()).window(name, { limit: 5, windowMs: MINUTE }).consume(email);
    await redisLimiters(redis, new ManualClock()).backoff(`${name}-b`, BACKOFF).reserve(email);
    const keys = [
      ...(await redis.client.keys(`conclave:limit:${name}:*`)),
      ...(await redis.client.keys(`conclave:limit:${name}-b:*`)),
    ];
    assert.equal(keys.length, 2);
    for (const key of keys) {
      assert.ok(key.length < 120, `key length ${key.length}`);
      assert.ok(!key.includes('xxxx'), 'the client’s value is not in the key');
    }
    const [windowTtl, backoffTtl] = await Promise.all(keys.map((k) => redis.client.pttl(k)));
    assert.ok(windowTtl! > 0 && windowTtl! <= MINUTE, `window key ttl ${windowTtl}`);
    assert.ok(backoffTtl! > 0 && backoffTtl! <= BACKOFF.forgetAfterMs, `backoff key ttl ${backoffTtl}`);
  });

  test('NET-SCALE: a script Redis has forgotten (restart, SCRIPT FLUSH) is sent again', async () => {
    const w = redisLimiters(redis, new ManualClock()).window(`test-${randomUUID()}`, WINDOW);
    assert.equal((await w.consume('k')).allowed, true);
    await redis.client.script('FLUSH');
    assert.equal((await w.consume('k')).allowed, true);
    assert.equal((await w.consume('k')).allowed, true);
    assert.equal((await w.consume('k')).allowed, false);
  });
});
