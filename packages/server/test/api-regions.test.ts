import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RegionsView } from '@conclave/protocol';
import { PUBLIC_URL, startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';

describe('NET-REGIONS: region probes', () => {
  let database: TestDatabase;
  let t: TestApp;

  before(async () => {
    database = await createTestDatabase('sqlite');
    t = await startTestApp(database, {
      env: {
        CONCLAVE_MEDIA_REGIONS: 'eu-west,us-east',
        CONCLAVE_REGION_PROBES: 'us-east=https://us-east.example.org/api/regions/us-east/probe',
      },
    });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('NET-REGIONS: GET /api/regions lists every region with the URL to time it, its own or this server’s, to pages of any origin (the SDK elsewhere)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/regions',
      headers: { origin: 'https://intranet.example.org' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    assert.deepEqual(res.json<RegionsView>(), {
      regions: [
        { name: 'eu-west', probeUrl: `${PUBLIC_URL}/api/regions/eu-west/probe` },
        { name: 'us-east', probeUrl: 'https://us-east.example.org/api/regions/us-east/probe' },
      ],
    });
  });

  test('NET-REGIONS: a probe is an empty, uncached 204 that pages of any origin may read', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/regions/eu-west/probe',
      headers: { origin: 'https://elsewhere.example' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
  });

  test('NET-REGIONS: an unknown region is a 404 with the code unknown_region', async () => {
    for (const region of ['ap-south', 'EU', 'eu west']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/regions/${encodeURIComponent(region)}/probe`,
      });
      assert.equal(res.statusCode, 404, region);
      assert.equal(res.json<{ code: string }>().code, 'unknown_region', region);
    }
  });

  test('NET-REGIONS: the page may fetch the probes of other origins (its CSP lets it connect there)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1]?.split(' ') ?? [];
    assert.ok(connect.includes('https://us-east.example.org'), csp);
  });
});
