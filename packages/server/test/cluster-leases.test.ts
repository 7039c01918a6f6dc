import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RedisLeases } from '../src/cluster/redis-leases';
import type { RedisConnection } from '../src/redis';
import { connectTestRedis, describeWithRedis } from './support/redis';

const TTL_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fresh = () => `meeting-${randomBytes(6).toString('hex')}`;

describeWithRedis('meeting leases in Redis', (url) => {
  let redis: RedisConnection;
  let a: RedisLeases;
  let b: RedisLeases;
  let idA: string;
  let idB: string;

  before(async () => {
    redis = await connectTestRedis(url);
    const suffix = randomBytes(4).toString('hex');
    [idA, idB] = [`a-${suffix}`, `b-${suffix}`];
    a = new RedisLeases(idA, redis, TTL_MS);
    b = new RedisLeases(idB, redis, TTL_MS);
  });
  after(async () => {
    await redis?.close();
  });

  test('NET-SCALE: one owner at a time: the first claim wins, the others are told who owns the meeting', async () => {
    const m = fresh();
    const [first, second] = await Promise.all([a.claim(m), b.claim(m)]);
    assert.equal(first, second, 'both claims name the same owner');
    assert.equal(await a.owner(m), first);
    assert.equal(await b.claim(m), first, 'asking again does not take it');
  });

  test('NET-SCALE: a node that keeps renewing keeps its meetings; one that falls silent loses them to the next claim, and learns it when it renews', async () => {
    const m = fresh();
    assert.match(await a.claim(m), /^a-/);
    for (let i = 0; i < 4; i++) {
      await sleep(TTL_MS / 3);
      assert.deepEqual(await a.renew([m]), [], 'still held');
    }
    assert.match(await b.claim(m), /^a-/, 'a live owner keeps it');
    await sleep(TTL_MS + 100);
    assert.equal(await b.owner(m), null, 'nobody owns it once the owner fell silent');
    assert.match(await b.claim(m), /^b-/, 'the next claim takes it');
    assert.deepEqual(await a.renew([m]), [m], 'the old owner learns it lost the meeting');
    assert.deepEqual([...(await b.alive([idA, idB]))], [idA, idB], 'renewing says the node is alive again');
  });

  test('NET-SCALE: a meeting given up is free at once, and only its owner can give it up', async () => {
    const m = fresh();
    const owner = await a.claim(m);
    await b.release(m);
    assert.equal(await b.owner(m), owner, 'another node cannot release it');
    await a.release(m);
    assert.equal(await a.owner(m), null);
    assert.match(await b.claim(m), /^b-/);
  });
});
