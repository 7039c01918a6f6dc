import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { connect as connectTls } from 'node:tls';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { makeTestTls, type TestTls } from './support/tls';

/** A request that trickles in (slowloris) cannot hold a connection past the request timeout. */
let database: TestDatabase;
let t: TestApp;
let port: number;
/** The same app serving HTTPS itself (CONCLAVE_TLS_CERT and CONCLAVE_TLS_KEY). */
let tls: TestTls;
let overTls: TestApp;
let tlsPort: number;

async function listen(app: TestApp): Promise<number> {
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

before(async () => {
  database = await createTestDatabase('sqlite');
  t = await startTestApp(database, { requestTimeoutMs: 1_000 });
  port = await listen(t);
  tls = makeTestTls();
  overTls = await startTestApp(database, {
    requestTimeoutMs: 1_000,
    env: { CONCLAVE_TLS_CERT: tls.certFile, CONCLAVE_TLS_KEY: tls.keyFile },
  });
  tlsPort = await listen(overTls);
});
after(async () => {
  await overTls?.close();
  await t?.close();
  await database?.close();
  tls?.remove();
});

/** Sends a request whose body comes a byte at a time; checks the server hangs up after its timeout. */
async function assertTrickleCutOff(socket: Socket, connected: string): Promise<void> {
  await new Promise((resolve) => socket.once(connected, resolve));
  socket.write(
    'POST /api/auth/sign-in HTTP/1.1\r\nHost: conclave.test\r\nContent-Type: application/json\r\n' +
      'Content-Length: 200\r\n\r\n{',
  );
  const started = performance.now();
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
  assert.ok(performance.now() - started >= 900, `closed after ${performance.now() - started} ms`);
  assert.match(answer, /^HTTP\/1\.1 408|^$/, answer.slice(0, 80));
}

test('IAM-LOCAL: a request body sent a byte at a time is cut off after the request timeout', async () => {
  await assertTrickleCutOff(connect(port, '127.0.0.1'), 'connect');
});

// Fastify builds an https server from its `https` options alone, so the timeouts must be there too.
test('IAM-LOCAL: over HTTPS without a proxy, a trickling request is cut off the same way', async () => {
  const socket = connectTls({ host: '127.0.0.1', port: tlsPort, ca: readFileSync(tls.caFile) });
  await assertTrickleCutOff(socket, 'secureConnect');
});
