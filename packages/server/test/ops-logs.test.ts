import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('OPS-OBS: structured JSON request logs keep no secret a URL carried', (kind) => {
  let database: TestDatabase;
  let t: TestApp;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('OPS-OBS: each request is logged as JSON with its method and path, but an OpenID Connect code and state, or a token sent in a query, are redacted', async () => {
    const secrets = ['a-token-1234567890', 'the-oidc-code', 'the-oidc-state'];
    const client = new TestClient(t.app);
    await client.get(`/setup?token=${secrets[0]}`);
    await client.get(`/api/auth/sso/oidc/callback?code=${secrets[1]}&state=${secrets[2]}&iss=x`);
    const requests = t.logs
      .map((line) => JSON.parse(line) as { msg?: string; req?: { method: string; url: string } })
      .filter((entry) => entry.msg === 'incoming request')
      .map((entry) => entry.req!.url);
    assert.deepEqual(requests.slice(-2), [
      '/setup?token=[redacted]',
      '/api/auth/sso/oidc/callback?code=[redacted]&state=[redacted]&iss=x',
    ]);
    for (const secret of secrets) assert.ok(!t.logs.join('\n').includes(secret), secret);
  });
});
