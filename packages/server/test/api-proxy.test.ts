import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const PROXY = '127.0.0.1';

/**
 * With CONCLAVE_TRUST_PROXY naming the proxy, the limits count the address the proxy saw, whatever a
 * client writes into X-Forwarded-For; a client that is not the proxy cannot choose its address at all.
 */
describeEachDatabase('client addresses behind a reverse proxy', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let meeting: MeetingView;
  let n = 0;
  /** A request through the proxy from `client`, after which the client's forged entries follow. */
  const viaProxy = (client: string) => {
    const c = new TestClient(t.app, PROXY);
    return {
      post: (url: string, body: unknown) =>
        c.request('POST', url, body, {
          // What nginx with `$proxy_add_x_forwarded_for` sends: the client's own header, then its address.
          headers: { 'x-forwarded-for': `10.${++n % 250}.${n % 7}.1, ${client}` },
        }),
    };
  };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { env: { CONCLAVE_TRUST_PROXY: PROXY } });
    const { client: admin } = await setUp(t);
    meeting = (await admin.post('/api/meetings', { name: 'Open day' })).json<MeetingView>();
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('IAM-LOCAL: rotating X-Forwarded-For through a trusted proxy does not multiply sign-in attempts', async () => {
    const client = viaProxy('203.0.113.7');
    for (let i = 0; i < 30; i++) {
      const res = await client.post('/api/auth/sign-in', {
        email: `spray${i}@acme.test`,
        password: 'Winter2026!',
      });
      assert.equal(res.statusCode, 401, `attempt ${i}`);
    }
    const limited = await client.post('/api/auth/sign-in', {
      email: 'spray99@acme.test',
      password: 'Winter2026!',
    });
    assert.equal(limited.statusCode, 429);
    // Another client behind the same proxy is counted on its own.
    const other = await viaProxy('203.0.113.8').post('/api/auth/sign-in', {
      email: 'spray0@acme.test',
      password: 'Winter2026!',
    });
    assert.equal(other.statusCode, 401);
  });

  test('IAM-GUEST: rotating X-Forwarded-For through a trusted proxy does not multiply guest tokens', async () => {
    const client = viaProxy('203.0.113.9');
    for (let i = 0; i < 120; i++) {
      const res = await client.post(`/api/meetings/${meeting.id}/guests`, { displayName: `Guest ${i}` });
      assert.equal(res.statusCode, 201, `token ${i}: ${res.body}`);
    }
    const limited = await client.post(`/api/meetings/${meeting.id}/guests`, { displayName: 'One more' });
    assert.equal(limited.statusCode, 429);
  });

  test('IAM-LOCAL: a client that is not the proxy cannot choose its address with X-Forwarded-For', async () => {
    const direct = new TestClient(t.app, '198.51.100.23');
    for (let i = 0; i < 30; i++) {
      const res = await direct.request(
        'POST',
        '/api/auth/sign-in',
        { email: `direct${i}@acme.test`, password: 'Winter2026!' },
        { headers: { 'x-forwarded-for': `192.0.2.${i}` } },
      );
      assert.equal(res.statusCode, 401);
    }
    const limited = await direct.request(
      'POST',
      '/api/auth/sign-in',
      { email: 'direct99@acme.test', password: 'Winter2026!' },
      { headers: { 'x-forwarded-for': '192.0.2.250' } },
    );
    assert.equal(limited.statusCode, 429);
  });
});
