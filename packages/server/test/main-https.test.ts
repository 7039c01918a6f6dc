// The real server with CONCLAVE_TLS_CERT and CONCLAVE_TLS_KEY (issue 11 part 7): HTTPS and wss on its
// one port, with the configured certificate, no plain http there, and the key in no log line.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { test } from 'node:test';
import WebSocket from 'ws';
import { SIGNALING_SUBPROTOCOL } from '@conclave/protocol';
import { freePort, startMain } from './support/main';
import { makeTestTls } from './support/tls';

/** GET over https trusting only `ca`: the status and the certificate the server showed. */
function getVerified(url: string, ca: string): Promise<{ status: number; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerX509Certificate();
      res.resume();
      resolve({ status: res.statusCode ?? 0, fingerprint: peer?.fingerprint256 ?? '' });
    }).on('error', reject);
  });
}

/** A plain-http GET: resolves with the status if anything answered in HTTP, else with the error's code. */
function getPlain(url: string): Promise<string> {
  return new Promise((resolve) => {
    httpGet(url, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    }).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

test('OPS-CONFIG: with a certificate and key the server answers over HTTPS and wss on its port, never plain http, and logs no key', async () => {
  const tls = makeTestTls();
  const stranger = makeTestTls(); // another throwaway CA, which did not sign the server's certificate
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-main-https-'));
  const port = await freePort();
  const { child, out, exited, printed } = startMain({
    CONCLAVE_PORT: String(port),
    CONCLAVE_TLS_CERT: tls.certFile,
    CONCLAVE_TLS_KEY: tls.keyFile,
    CONCLAVE_DATA_DIR: dataDir,
    CONCLAVE_WEB_DIR: join(dataDir, 'no-web'),
    // This test is about the transport, not media: without a Janus binary the media plane cannot start.
    CONCLAVE_JANUS_BINARY: join(dataDir, 'no-janus'),
    // Nor a TURN server, whose ports other tests' servers may hold.
    CONCLAVE_TURN: 'off',
  });
  const url = `https://127.0.0.1:${port}`;
  try {
    await printed(`Conclave is running at ${url}`);
    const ca = readFileSync(tls.caFile, 'utf8');

    const health = await getVerified(`${url}/api/health`, ca);
    assert.equal(health.status, 200);
    assert.equal(
      health.fingerprint,
      new X509Certificate(tls.cert).fingerprint256,
      'the configured certificate',
    );
    // A client that does not trust the test CA is refused by its own TLS check: the certificate is real.
    await assert.rejects(getVerified(`${url}/api/health`, readFileSync(stranger.caFile, 'utf8')), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });

    // The port speaks TLS only: a plain-http request gets no HTTP answer at all.
    assert.doesNotMatch(await getPlain(`http://127.0.0.1:${port}/api/health`), /^HTTP/);

    // Signaling upgrades on the same TLS server (wss), with the https public URL as its origin.
    const socket = new WebSocket(`wss://127.0.0.1:${port}/api/signal`, SIGNALING_SUBPROTOCOL, {
      ca,
      origin: url,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    assert.equal(socket.protocol, SIGNALING_SUBPROTOCOL);
    socket.close();

    const log = out.stdout + out.stderr;
    assert.ok(!log.includes(tls.key.split('\n')[1]!), 'no line of the private key in the log');
    assert.match(out.stdout, new RegExp(`"https":"${tls.certFile}"`), 'the log names the certificate file');

    child.kill('SIGTERM');
    assert.equal(await exited, 0, out.stderr);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    tls.remove();
    stranger.remove();
  }
});
