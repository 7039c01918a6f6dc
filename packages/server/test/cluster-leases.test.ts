import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { RedisBus } from '../src/cluster/redis-bus';
import { RedisLeases } from '../src/cluster/redis-leases';
import { redisMeetingMemories } from '../src/cluster/redis-meeting-values';
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
  const buses: RedisBus[] = [];
  /** A node is up while it listens on its bus, as a running node does. */
  const listen = async (nodeId: string) => {
    const bus = await RedisBus.open(nodeId, await connectTestRedis(url, nodeId), pino({ level: 'silent' }));
    buses.push(bus);
    return bus;
  };

  before(async () => {
    redis = await connectTestRedis(url);
    const suffix = randomBytes(4).toString('hex');
    [idA, idB] = [`a-${suffix}`, `b-${suffix}`];
    a = new RedisLeases(idA, redis, TTL_MS);
    b = new RedisLeases(idB, redis, TTL_MS);
    await listen(idA);
    await listen(idB);
  });
  after(async () => {
    for (const bus of buses) await bus.close();
    await redis?.close();
  });

  test('NET-SCALE: one owner at a time: the first claim wins, the others are told who owns the meeting', async () => {
    const m = fresh();
    const [first, second] = await Promise.all([a.claim(m), b.claim(m)]);
    assert.equal(first.owner, second.owner, 'both claims name the same owner');
    assert.equal(await a.owner(m), first.owner);
    assert.equal((await b.claim(m)).owner, first.owner, 'asking again does not take it');
  });

  test('NET-SCALE: a node that keeps renewing keeps its meetings; one that falls silent loses them to the next claim, and learns it when it renews', async () => {
    const m = fresh();
    assert.match((await a.claim(m)).owner, /^a-/);
    for (let i = 0; i < 4; i++) {
      await sleep(TTL_MS / 3);
      assert.deepEqual(await a.renew([m]), [], 'still held');
    }
    assert.match((await b.claim(m)).owner, /^a-/, 'a live owner keeps it');
    await sleep(TTL_MS + 100);
    assert.equal(await b.owner(m), null, 'nobody owns it once the owner fell silent');
    assert.deepEqual(await b.claim(m), { owner: idB }, 'its lease ran out: the next claim finds it free');
    assert.deepEqual(await a.renew([m]), [m], 'the old owner learns it lost the meeting');
    assert.deepEqual([...(await b.alive([idA, idB]))], [idA, idB], 'renewing says the node is alive again');
  });

  test('NET-SCALE: a meeting given up is free at once, and only its owner can give it up', async () => {
    const m = fresh();
    const { owner } = await a.claim(m);
    await b.release(m);
    assert.equal(await b.owner(m), owner, 'another node cannot release it');
    await a.release(m);
    assert.equal(await a.owner(m), null);
    assert.deepEqual(await b.claim(m), { owner: idB }, 'a meeting given up is free, not taken over');
  });
});

describeWithRedis('a node that dies', (url) => {
  test('NET-SCALE: a killed node is down for the others as soon as its connection to Redis is gone, before its lease runs out', async () => {
    const redis = await connectTestRedis(url);
    const suffix = randomBytes(4).toString('hex');
    const [idA, idB] = [`a-${suffix}`, `b-${suffix}`];
    const a = new RedisLeases(idA, redis, 60_000);
    const b = new RedisLeases(idB, redis, 60_000);
    const busA = await RedisBus.open(idA, await connectTestRedis(url, 'a'), pino({ level: 'silent' }));
    const busB = await RedisBus.open(idB, await connectTestRedis(url, 'b'), pino({ level: 'silent' }));
    try {
      const m = fresh();
      assert.equal((await a.claim(m)).owner, idA);
      assert.deepEqual([...(await b.alive([idA]))], [idA]);
      await busA.close(); // what the kernel does to a killed process's sockets
      assert.deepEqual([...(await b.alive([idA]))], [], 'down at once, though its key lasts a minute');
      assert.deepEqual(await b.claim(m), { owner: idB, tookOverFrom: idA });
    } finally {
      await busB.close();
      await redis.close();
    }
  });
});

describeWithRedis('meeting memories in Redis', (url) => {
  test('NET-SCALE: what one node’s room decided about people is read back by another node’s, until the meeting is over', async () => {
    const [one, other] = [await connectTestRedis(url, 'one'), await connectTestRedis(url, 'other')];
    try {
      const m = fresh();
      const memory = {
        passes: ['user:1'],
        removed: ['guest:2'],
        refused: [],
        guestsWait: true,
        promoted: ['user:3'],
        locks: [{ person: 'user:4', source: 'microphone' as const, moderatorName: 'Bob' }],
      };
      await redisMeetingMemories(one).save(m, memory);
      assert.deepEqual(await redisMeetingMemories(other).load(m), memory);
      await redisMeetingMemories(other).forget(m);
      assert.equal(await redisMeetingMemories(one).load(m), null);
    } finally {
      await one.close();
      await other.close();
    }
  });
});
