import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { openRedis, type RedisConnection } from '../../src/redis';

const REDIS_URL = process.env.CONCLAVE_TEST_REDIS_URL;
const CI = !['', '0', 'false', undefined].includes(process.env.CI?.toLowerCase());

/**
 * Declares a suite that needs the Redis scripts/test.mjs starts (CONCLAVE_TEST_REDIS_URL). Without
 * one it is one skipped test with the reason, like PostgreSQL; but under CI (CI=true) it is one
 * failing test, so a CI that lost its Redis cannot pass while the shared limits go untested.
 */
export function describeWithRedis(title: string, suite: (url: string) => void): void {
  if (REDIS_URL) describe(title, () => suite(REDIS_URL));
  else if (CI) {
    test(title, () => {
      throw new Error(
        'CONCLAVE_TEST_REDIS_URL is not set: under CI the Redis tests must run (scripts/test.mjs)',
      );
    });
  } else
    test(title, { skip: 'CONCLAVE_TEST_REDIS_URL not set: Redis tests need scripts/test.mjs' }, () => {});
}

/** A connection to the test Redis, logging nowhere; close it after. */
export async function connectTestRedis(url: string, name = 'test'): Promise<RedisConnection> {
  const redis = openRedis({ url, name, logger: pino({ level: 'silent' }) });
  if (!(await redis.ready(5000))) throw new Error(`the test Redis at ${url} did not answer`);
  return redis;
}

/**
 * An address no other test uses (in 10.0.0.0/8): every test run shares one Redis, so a test that
 * reused a fixed address would meet the counts an earlier test left there.
 */
export function freshAddress(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${(c! % 254) + 1}`;
}
