import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config';
import { setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { scrape } from './support/metrics';

const TOKEN = 'metrics-token-7f3a9c2e51d8b604';

describe('Prometheus metrics over HTTP', () => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestClient;

  before(async () => {
    database = await createTestDatabase('sqlite');
    t = await startTestApp(database);
    ({ client: admin } = await setUp(t));
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('OPS-OBS: HTTP requests are counted by method, route pattern and status class, and timed', async () => {
    const before = await scrape(t.app);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) assert.equal((await admin.get(`/api/meetings/${id}`)).statusCode, 404);
    for (let i = 0; i < 2; i++) assert.equal((await admin.get('/api/health')).statusCode, 200);
    const unknown = `/api/nothing-here-${randomUUID()}`;
    assert.equal((await admin.get(unknown)).statusCode, 404);
    const created = await admin.post('/api/meetings', { name: 'Counted' });
    assert.equal(created.statusCode, 201);

    const after = await scrape(t.app);
    const moved = (labels: Record<string, string>) =>
      after.value('conclave_http_requests_total', labels) -
      before.value('conclave_http_requests_total', labels);
    assert.equal(moved({ method: 'GET', route: '/api/meetings/:id', status_class: '4xx' }), 3);
    assert.equal(moved({ method: 'GET', route: '/api/health', status_class: '2xx' }), 2);
    assert.equal(moved({ method: 'GET', route: 'unmatched', status_class: '4xx' }), 1);
    assert.equal(moved({ method: 'POST', route: '/api/meetings', status_class: '2xx' }), 1);
    const timed = (s: typeof after) =>
      s.value('conclave_http_request_duration_seconds_count', { method: 'GET', route: '/api/health' });
    assert.equal(timed(after) - timed(before), 2);
    assert.ok(after.value('conclave_http_request_duration_seconds_sum', { route: '/api/health' }) > 0);

    // Labels hold patterns, never the IDs or paths that were asked for.
    for (const secret of [...ids, unknown, created.json<{ id: string }>().id]) {
      assert.ok(!after.text.includes(secret), `${secret} leaked into the metrics`);
    }
    const routes = after.labelValues('conclave_http_', 'route');
    for (const route of routes) assert.match(route, /^(unmatched|\/[a-z/:*-]*)$/, route);
    assert.deepEqual(
      after.labelValues('conclave_http_requests_total', 'status_class'),
      new Set(['2xx', '4xx']),
    );
    // Process metrics come along.
    assert.ok(after.value('process_cpu_user_seconds_total') > 0);
    assert.ok(after.value('nodejs_heap_size_used_bytes') > 0);
  });

  test('OPS-OBS: every app instance counts in its own registry', async () => {
    const other = await startTestApp(database);
    try {
      const mine = await scrape(t.app);
      for (let i = 0; i < 3; i++) await new TestClient(other.app).get('/api/setup');
      const theirs = await scrape(other.app);
      const again = await scrape(t.app);
      const setupCalls = { method: 'GET', route: '/api/setup' };
      assert.equal(theirs.value('conclave_http_requests_total', setupCalls), 3);
      assert.equal(
        again.value('conclave_http_requests_total', setupCalls),
        mine.value('conclave_http_requests_total', setupCalls),
        "the other app's requests are not counted here",
      );
    } finally {
      await other.close();
    }
  });

  test('OPS-OBS: /metrics is served to loopback by default and refused to other addresses', async () => {
    const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });
    for (const loopback of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      assert.equal((await from(loopback)).statusCode, 200, loopback);
    }
    for (const stranger of ['203.0.113.7', '10.0.0.5', '::ffff:203.0.113.7', '2001:db8::1']) {
      const res = await from(stranger);
      assert.equal(res.statusCode, 403, stranger);
      assert.equal(res.json().code, 'forbidden');
      assert.doesNotMatch(res.body, /conclave_/);
    }
    // A proxy on this machine that nobody configured trust in: the socket is loopback, the client is not.
    const proxied = await from('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' });
    assert.equal(proxied.statusCode, 403);
    assert.equal((await from('127.0.0.1', { 'x-real-ip': '203.0.113.7' })).statusCode, 403);
    // Without a configured token, no bearer token opens it, not even from loopback.
    const guessed = await from('127.0.0.1', { authorization: `Bearer ${TOKEN}` });
    assert.equal(guessed.statusCode, 401);
  });
});

describe('metrics access from the configuration', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('sqlite');
  });
  after(async () => {
    await database?.close();
  });

  const get = (t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });

  test('OPS-OBS: a bearer token from the configuration opens /metrics from any address', async () => {
    const t = await startTestApp(database, { env: { CONCLAVE_METRICS_TOKEN: TOKEN } });
    try {
      const res = await get(t, '203.0.113.7', { authorization: `Bearer ${TOKEN}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /# TYPE conclave_http_requests_total counter/);
      const wrong = await get(t, '203.0.113.7', { authorization: `Bearer ${TOKEN.slice(1)}x` });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().code, 'unauthorized');
      assert.equal((await get(t, '203.0.113.7', { authorization: `Basic ${TOKEN}` })).statusCode, 401);
      assert.equal((await get(t, '203.0.113.7')).statusCode, 403, 'no token: the address decides');
      assert.equal((await get(t, '127.0.0.1')).statusCode, 200);
    } finally {
      await t.close();
    }
  });

  test('OPS-OBS: CONCLAVE_METRICS_ALLOW replaces loopback with the given addresses and networks', async () => {
    const t = await startTestApp(database, {
      env: { CONCLAVE_METRICS_ALLOW: '10.20.0.0/16, 2001:db8::5', CONCLAVE_TRUST_PROXY: '127.0.0.1' },
    });
    try {
      assert.equal((await get(t, '10.20.3.4')).statusCode, 200);
      assert.equal((await get(t, '2001:db8::5')).statusCode, 200);
      assert.equal((await get(t, '10.21.3.4')).statusCode, 403);
      assert.equal((await get(t, '127.0.0.1')).statusCode, 403, 'loopback is no longer in the list');
      // Through the trusted proxy, the address it vouches for is what counts.
      assert.equal((await get(t, '127.0.0.1', { 'x-forwarded-for': '10.20.9.9' })).statusCode, 200);
      assert.equal((await get(t, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).statusCode, 403);
    } finally {
      await t.close();
    }
    const closed = await startTestApp(database, { env: { CONCLAVE_METRICS_ALLOW: '' } });
    try {
      assert.equal((await get(closed, '127.0.0.1')).statusCode, 403, 'an empty list lets no address in');
    } finally {
      await closed.close();
    }
  });

  test('OPS-OBS: metrics settings are validated and named in errors', () => {
    assert.deepEqual(loadConfig({}).metrics, { allow: ['127.0.0.0/8', '::1'], token: null });
    assert.deepEqual(loadConfig({ CONCLAVE_METRICS_ALLOW: '' }).metrics.allow, []);
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.message;
      }
      assert.fail('accepted');
    };
    assert.equal(
      bad({ CONCLAVE_METRICS_ALLOW: '10.0.0.0/8, everyone' }),
      'CONCLAVE_METRICS_ALLOW (environment): not an address or CIDR: everyone',
    );
    assert.equal(
      bad({ CONCLAVE_METRICS_TOKEN: 'short' }),
      'CONCLAVE_METRICS_TOKEN (environment): must be at least 16 characters',
    );
  });
});

describeEachDatabase('readiness apart from liveness', (kind) => {
  test('OPS-OBS: /api/ready is 200 only when the database and the media plane are ready', async () => {
    const database = await createTestDatabase(kind);
    const ready = await startTestApp(database, { mediaStatus: 'ready' });
    const starting = await startTestApp(database, { mediaStatus: 'starting' });
    try {
      const ok = await ready.app.inject({ method: 'GET', url: '/api/ready' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { status: 'ready', database: 'ready', media: 'ready' });
      assert.equal((await scrape(ready.app)).value('conclave_media_ready'), 1);

      const notYet = await starting.app.inject({ method: 'GET', url: '/api/ready' });
      assert.equal(notYet.statusCode, 503);
      assert.deepEqual(notYet.json(), {
        status: 'not_ready',
        database: 'ready',
        media: 'starting',
      });
      assert.equal((await scrape(starting.app)).value('conclave_media_ready'), 0);
      // Liveness is not readiness: the same server is alive and says why it is degraded.
      const alive = await starting.app.inject({ method: 'GET', url: '/api/health' });
      assert.equal(alive.statusCode, 200);
      assert.deepEqual(alive.json(), { status: 'degraded', database: 'ready', media: 'starting' });

      await database.close();
      const noDatabase = await ready.app.inject({ method: 'GET', url: '/api/ready' });
      assert.equal(noDatabase.statusCode, 503);
      assert.deepEqual(noDatabase.json(), {
        status: 'not_ready',
        database: 'unavailable',
        media: 'ready',
      });
      // Without its database the process is still alive: health says so, and why.
      const stillAlive = await ready.app.inject({ method: 'GET', url: '/api/health' });
      assert.equal(stillAlive.statusCode, 200);
      assert.deepEqual(stillAlive.json(), { status: 'degraded', database: 'unavailable', media: 'ready' });
    } finally {
      await ready.close();
      await starting.close();
      await database.close().catch(() => undefined);
    }
  });
});
