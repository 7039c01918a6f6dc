import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const INDEX_HTML = '<!doctype html><html><body><div id="root">conclave-spa-index</div></body></html>';

describeEachDatabase('HTTP behaviour', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestClient;
  let webDir: string;

  before(async () => {
    database = await createTestDatabase(kind);
    webDir = join(database.dir, 'web');
    mkdirSync(join(webDir, 'assets'), { recursive: true });
    writeFileSync(join(webDir, 'index.html'), INDEX_HTML);
    writeFileSync(join(webDir, 'assets', 'index-3f2a9c.js'), 'console.log("app")');
    writeFileSync(join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await startTestApp(database, { webDir });
    ({ client: admin } = await setUp(t));
  });
  after(async () => {
    await t?.close();
    await database?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  test('malformed JSON is a 400 with a stable code, not a 500, and is not echoed', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie!,
        'x-conclave-csrf': admin.csrfToken!,
      },
      payload: '{"name": "Oops", "description": "sekrit-text"',
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { code: 'bad_request', message: 'The request body is not valid JSON' });
  });

  test('a body that is not JSON is refused with 415', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        headers: { 'content-type': type },
        payload: 'email=a@b.c&password=x',
      });
      assert.equal(res.statusCode, 415, type);
      assert.equal(res.json().code, 'bad_request');
      assert.match(res.json().message, /JSON/);
    }
  });

  test('an oversized body is refused with 413 before it is parsed', async () => {
    const res = await admin.post('/api/meetings', { name: 'Big', description: 'x'.repeat(70 * 1024) });
    assert.equal(res.statusCode, 413);
    assert.deepEqual(res.json(), {
      code: 'message_too_large',
      message: 'The request body is larger than 64 KiB',
    });
  });

  test('a JSON body of the wrong shape is a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ name: 42 }, 'name'],
      [{ name: 'ok', description: ['x'] }, 'description'],
    ] as const) {
      const res = await admin.post('/api/meetings', body);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'validation_failed');
      assert.equal(res.json().field, field);
      assert.match(res.json().message, new RegExp(`^${field}: `));
    }
    const notObject = await admin.post('/api/meetings', [1, 2, 3]);
    assert.equal(notObject.statusCode, 400);
    assert.equal(notObject.json().code, 'validation_failed');
  });

  test('an empty body with a JSON content type counts as no body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'validation_failed');
  });

  test('an unknown API route is a JSON 404, for every method', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/api/no-such-thing?x=1' });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /application\/json/);
      assert.deepEqual(res.json(), {
        code: 'not_found',
        message: `No such API endpoint: ${method} /api/no-such-thing`,
      });
    }
  });

  test('a malformed URL is a 400 in the same JSON shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/meetings/%E0%A4%A' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'bad_request');
  });

  test('MEET-CREATE: a join link /m/<id> serves the web app', async () => {
    const m = (await admin.post('/api/meetings', { name: 'Linked' })).json<{ joinUrl: string }>();
    const path = new URL(m.joinUrl).pathname;
    assert.match(path, /^\/m\/[0-9a-f-]{36}$/);
    const res = await t.app.inject({ method: 'GET', url: path });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.equal(res.body, INDEX_HTML);
    assert.equal(res.headers['cache-control'], 'no-cache');
    for (const url of ['/', '/admin/users?tab=1']) {
      const other = await t.app.inject({ method: 'GET', url });
      assert.equal(other.statusCode, 200, url);
      assert.equal(other.body, INDEX_HTML);
    }
  });

  test('hashed assets are cached for a long time; missing files are 404s, not the app', async () => {
    const asset = await t.app.inject({ method: 'GET', url: '/assets/index-3f2a9c.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    const icon = await t.app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'no-cache');
    const missing = await t.app.inject({ method: 'GET', url: '/assets/index-000000.js' });
    assert.equal(missing.statusCode, 404);
    assert.notEqual(missing.body, INDEX_HTML);
  });

  test('pages carry a Content-Security-Policy fit for a WebRTC app on this host', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/m/abc' });
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(
      csp,
      /script-src 'self' 'wasm-unsafe-eval'(;|$)/,
      'WebAssembly for Codewords, never unsafe-eval',
    );
    assert.match(csp, /connect-src 'self' ws:\/\/conclave\.test:8080/);
    assert.match(csp, /media-src 'self' blob:/);
    assert.match(csp, /img-src 'self' data: blob:/);
    assert.match(csp, /style-src 'self' 'unsafe-inline'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'would break a plain-http installation');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['strict-transport-security'], undefined);
  });

  test('OPS-OBS: health reports the database and the media plane', async () => {
    const res = await new TestClient(t.app).get('/api/health');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: 'ready', media: 'ready' });
    const degraded = await startTestApp(database, { mediaStatus: 'unavailable' });
    try {
      const d = await new TestClient(degraded.app).get('/api/health');
      assert.equal(d.statusCode, 200, 'alive: nothing to gain from restarting the process');
      assert.deepEqual(d.json(), { status: 'degraded', database: 'ready', media: 'unavailable' });
    } finally {
      await degraded.close();
    }
  });
});

test('the API works without a web app build, and then non-API paths are plain 404s', async () => {
  const database = await createTestDatabase('sqlite');
  const t = await startTestApp(database);
  try {
    const res = await t.app.inject({ method: 'GET', url: '/m/some-id' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { code: 'not_found', message: 'Not found' });
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/setup' })).statusCode, 200);
  } finally {
    await t.close();
    await database.close();
  }
});

test('HTTPS installations get HSTS and upgrade-insecure-requests, and wss: for signaling', async () => {
  const database = await createTestDatabase('sqlite');
  const t = await startTestApp(database, { publicUrl: 'https://meet.acme.test' });
  try {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /connect-src 'self' wss:\/\/meet\.acme\.test/);
    assert.match(csp, /upgrade-insecure-requests/);
  } finally {
    await t.close();
    await database.close();
  }
});
