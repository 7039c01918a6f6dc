import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';

/** A request that trickles in (slowloris) cannot hold a connection past the request timeout. */
let database: TestDatabase;
let t: TestApp;
let port: number;

before(async () => {
  database = await createTestDatabase('sqlite');
  t = await startTestApp(database, { requestTimeoutMs: 1_000 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
after(async () => {
  await t?.close();
  await database?.close();
});

test('IAM-LOCAL: a request body sent a byte at a time is cut off after the request timeout', async () => {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'POST /api/auth/sign-in HTTP/1.1\r\nHost: conclave.test\r\nContent-Type: application/json\r\n' +
      'Content-Length: 200\r\n\r\n{',
  );
  const started = Date.now();
  const drip = setInterval(() => socket.writable && socket.write(' '), 200);
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.on('error', () => undefined);
  const closed = await new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 8_000);
  });
  clearInterval(drip);
  socket.destroy();
  assert.ok(closed, 'the server closed the trickling connection');
  // Closed by the timeout (1 s, checked every 250 ms), not by anything else along the way.
  assert.ok(Date.now() - started >= 900, `closed after ${Date.now() - started} ms`);
  assert.match(answer, /^HTTP\/1\.1 408|^$/, answer.slice(0, 80));
});
