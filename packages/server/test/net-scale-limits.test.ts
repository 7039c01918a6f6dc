import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { HealthView, MeetingView, ReadinessView } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import type { MeetingRecord } from '../src/domain';
import { addUser, setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { outcome } from './support/refusal';
import { createTestDatabase, type TestDatabase } from './support/database';
import { connectTestRedis, describeWithRedis, freshAddress } from './support/redis';

/** Runs `attempt` `times` times in a row, alternating between the two nodes; returns the outcomes. */
async function alternate<T>(
  nodes: readonly [TestApp, TestApp],
  times: number,
  attempt: (node: TestApp, i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await attempt(nodes[i % 2]!, i));
  return results;
}

const count = <T>(values: T[], value: T) => values.filter((v) => v === value).length;
/** How many came before the first that is not `value`. */
const leading = <T>(values: T[], value: T) => {
  const i = values.findIndex((v) => v !== value);
  return i === -1 ? values.length : i;
};

/**
 * NET-SCALE: with CONCLAVE_REDIS_URL, every node counts sign-in attempts, passcode guesses and guest
 * creations in the one Redis, so a client that spreads its attempts over nodes gets no more than
 * from one node. Each test also runs the same attempts on two nodes without Redis (each counting in
 * its own memory), which let twice as many through: that is what the shared limits prevent, and it
 * shows the test would notice if they stopped being shared.
 */
describeWithRedis('rate limits across control-plane nodes', (redisUrl) => {
  let database: TestDatabase;
  /** Two nodes over one database and one Redis. */
  let shared: [TestApp, TestApp];
  /** Two nodes over the same database, each with its limits in memory. */
  let alone: [TestApp, TestApp];
  let owner: TestClient;
  let orgId: string;
  let n = 0;
  const account = async () => {
    const user = { email: `scale${++n}@acme.test`, password: `long password ${n}`, displayName: `S${n}` };
    await addUser(database, orgId, user);
    return user;
  };
  const meeting = async (passcode?: string): Promise<MeetingRecord> => {
    const m = (await owner.post('/api/meetings', { name: `Meeting ${++n}` })).json<MeetingView>();
    if (passcode) await owner.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode });
    return (await shared[0].services.meetingStore.findMeeting(m.id))!;
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    const clock = new ManualClock();
    const node = (redis: boolean) => startTestApp(database, { clock, ...(redis && { redisUrl }) });
    shared = [await node(true), await node(true)];
    alone = [await node(false), await node(false)];
    const { client, session } = await setUp(shared[0]);
    owner = client;
    orgId = session.organisation.id;
  });
  after(async () => {
    for (const t of [...(shared ?? []), ...(alone ?? [])]) await t?.close();
    await database?.close();
  });

  test('NET-SCALE: sign-in attempts are limited across nodes (a client cannot multiply attempts by changing node)', async () => {
    const wrongGuesses = async (nodes: [TestApp, TestApp]) => {
      const victim = await account();
      const address = freshAddress();
      return alternate(nodes, 14, async (t, i) => {
        const res = await new TestClient(t.app, address).signIn(victim.email, `guess ${i}`);
        return res.statusCode;
      });
    };
    const oneNode = await wrongGuesses([shared[0], shared[0]]);
    const twoNodes = await wrongGuesses(shared);
    // 5 free failures per account and address, then a wait: on either node.
    assert.equal(leading(oneNode, 401), 5, `one node: ${oneNode.join(' ')}`);
    assert.deepEqual(twoNodes, oneNode, 'two nodes sharing Redis refuse at the same count as one');
    const withoutRedis = await wrongGuesses(alone);
    assert.equal(leading(withoutRedis, 401), 10, `without Redis: ${withoutRedis.join(' ')}`);
    assert.equal(count(withoutRedis, 429), 4);
  });

  test('NET-SCALE: password spraying from one address is capped across nodes', async () => {
    // Many accounts, one address: the per-address cap (30 failures / 15 min).
    const spray = (nodes: [TestApp, TestApp]) => {
      const address = freshAddress();
      return alternate(nodes, 62, async (t, i) => {
        const res = await new TestClient(t.app, address).signIn(`nobody${i}@acme.test`, 'Winter2026!');
        return res.statusCode;
      });
    };
    const twoNodes = await spray(shared);
    assert.equal(leading(twoNodes, 401), 30, twoNodes.join(' '));
    assert.equal(count(twoNodes, 429), 32);
    const withoutRedis = await spray(alone);
    assert.equal(leading(withoutRedis, 401), 60, withoutRedis.join(' '));
  });

  test('NET-SCALE: passcode guesses are limited across nodes, per client and per meeting', async () => {
    const guess = (m: MeetingRecord, address: () => string) => (t: TestApp, i: number) =>
      outcome(t.services.meetingEntry.admit(m, null, String(100_000 + i), address()));

    // One client: 5 wrong guesses free, then waits.
    const client = async (nodes: [TestApp, TestApp]) => {
      const address = freshAddress();
      return alternate(
        nodes,
        12,
        guess(await meeting('246810'), () => address),
      );
    };
    const twoNodes = await client(shared);
    assert.equal(leading(twoNodes, 'passcode_wrong'), 5, twoNodes.join(' '));
    assert.equal(count(twoNodes, 'rate_limited'), 7);
    assert.equal(leading(await client(alone), 'passcode_wrong'), 10);

    // Many clients, one meeting: 20 wrong guesses a minute from anywhere.
    const many = async (nodes: [TestApp, TestApp]) =>
      alternate(nodes, 42, guess(await meeting('246810'), freshAddress));
    const capped = await many(shared);
    assert.equal(leading(capped, 'passcode_wrong'), 20, capped.join(' '));
    assert.equal(count(capped, 'rate_limited'), 22);
    const uncapped = await many(alone);
    assert.equal(leading(uncapped, 'passcode_wrong'), 40, uncapped.join(' '));
  });

  test('NET-SCALE: guest creations from one address are limited across nodes', async () => {
    const create = async (nodes: [TestApp, TestApp], times: number) => {
      const m = await meeting();
      const address = freshAddress();
      return alternate(nodes, times, async (t, i) => {
        const res = await new TestClient(t.app, address).post(`/api/meetings/${m.id}/guests`, {
          displayName: `Guest ${i}`,
        });
        return res.statusCode;
      });
    };
    // 120 guest tokens per address per 10 minutes.
    const twoNodes = await create(shared, 125);
    assert.equal(leading(twoNodes, 201), 120);
    assert.equal(count(twoNodes, 429), 5);
    const withoutRedis = await create(alone, 245);
    assert.equal(leading(withoutRedis, 201), 240);
  });

  test('NET-SCALE: a Redis that stops answering fails closed within the command timeout; a dropped connection comes back by itself', async () => {
    const t = shared[0];
    const victim = await account();
    const address = freshAddress();
    const attempt = () => new TestClient(t.app, address).signIn(victim.email, 'wrong');
    const admin = await connectTestRedis(redisUrl, 'test-admin');
    try {
      await admin.client.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const started = performance.now();
      const paused = await attempt();
      assert.equal(paused.statusCode, 503);
      assert.equal(paused.json().code, 'unavailable');
      assert.ok(performance.now() - started < 1400, `refused after ${performance.now() - started} ms`);
      await new Promise((r) => setTimeout(r, 1600));
      assert.equal((await attempt()).statusCode, 401, 'counted again once Redis answers');

      // Cut the node's connection from the Redis side: it reconnects with backoff.
      const clients = String(await admin.client.call('CLIENT', 'LIST'));
      const ids = [...clients.matchAll(/^id=(\d+) .*name=conclave:limits /gm)].map((m) => m[1]!);
      assert.ok(ids.length >= 2, 'both shared nodes are connected, under their names');
      for (const id of ids) await admin.client.call('CLIENT', 'KILL', 'ID', id);
      const deadline = Date.now() + 5000;
      let status = 0;
      while (Date.now() < deadline && (status = (await attempt()).statusCode) !== 401) {
        assert.equal(status, 503, 'while reconnecting: refused, not let through');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 401);
      assert.ok(t.logs.some((line) => line.includes('redis connection lost')));
    } finally {
      await admin.close();
    }
  });
});

/** A loopback port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('rate limits when Redis is unreachable', () => {
  const SECRET = 'redis-password-that-must-not-be-logged';
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestClient;
  let orgId: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    t = await startTestApp(database, { redisUrl: `redis://:${SECRET}@127.0.0.1:${await closedPort()}` });
    ({ client: admin } = await setUp(t));
    orgId = (await admin.get('/api/auth/session')).json<{ organisation: { id: string } }>().organisation.id;
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('NET-SCALE: sign-in, guest links and passcodes are refused with 503 unavailable (fail closed), and the server keeps serving', async () => {
    await addUser(database, orgId, {
      email: 'eve@acme.test',
      password: 'eve long password',
      displayName: 'Eve',
    });
    for (let i = 0; i < 40; i++) {
      const res = await new TestClient(t.app, '203.0.113.9').signIn('eve@acme.test', 'eve long password');
      assert.equal(res.statusCode, 503, `attempt ${i}: never let through unchecked`);
      assert.equal(res.json().code, 'unavailable');
    }
    const m = (await admin.post('/api/meetings', { name: 'Board' })).json<MeetingView>();
    assert.equal(
      (await admin.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '2468' })).statusCode,
      200,
    );
    const guest = await new TestClient(t.app, '203.0.113.9').post(`/api/meetings/${m.id}/guests`, {
      displayName: 'Gina',
    });
    assert.equal(guest.statusCode, 503);
    assert.equal(guest.json().code, 'unavailable');
    const record = (await t.services.meetingStore.findMeeting(m.id))!;
    assert.equal(
      await outcome(t.services.meetingEntry.admit(record, null, '2468', '203.0.113.9')),
      'unavailable',
    );

    // Everything else still works, and health says what is wrong without failing readiness.
    assert.equal((await admin.get('/api/auth/session')).statusCode, 200);
    const health = await admin.get('/api/health');
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json<HealthView>(), {
      status: 'degraded',
      database: 'ready',
      media: 'ready',
      redis: 'unavailable',
    });
    const ready = await admin.get('/api/ready');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json<ReadinessView>().redis, 'unavailable');

    assert.ok(
      t.logs.some((line) => line.includes('redis connection error')),
      'the outage is logged',
    );
    const leaked = t.logs.filter((line) => line.includes(SECRET));
    assert.deepEqual(leaked, [], 'the password in CONCLAVE_REDIS_URL is never logged');
  });
});
