// HTTPS without a proxy (issue 11 part 7): the server speaks HTTPS itself with a configured
// certificate, on the sandbox's media0 address rather than loopback. There plain http would not be a
// secure context (camera and microphone refused); over HTTPS, two people join a meeting with media.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { SANDBOX_IP } from '../../scripts/sandbox.mjs';
import { makeTestTls, type TestTls } from '../../packages/server/test/support/tls';
import { ADMIN, completeSetup, createMeeting, joinAsGuest, joinSignedIn, signIn } from './support/app';
import { TestBrowser } from './support/browser';
import { assertReceives, type InMeeting } from './support/checks';
import { spkiHash, trustInThisProcess } from './support/https';
import { mediaSkipReason } from './support/sandbox';
import { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('HTTPS without a proxy', () => {
  let tls: TestTls;
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    // A throwaway CA and a certificate it signed for the address the browser uses.
    tls = makeTestTls(SANDBOX_IP);
    trustInThisProcess(readFileSync(tls.caFile, 'utf8'));
    server = await TestServer.start({
      address: SANDBOX_IP,
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
    });
    await completeSetup(server);
    // Chromium on Linux takes trust anchors only from an NSS database, which needs certutil
    // (libnss3-tools, not installed here). Instead it trusts exactly the server's key and nothing
    // else, with every other certificate check still on: not --ignore-certificate-errors.
    browser = await TestBrowser.launch({
      extraArgs: [`--ignore-certificate-errors-spki-list=${spkiHash(tls.key)}`],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    tls?.remove();
  });

  test(
    'OPS-CONFIG: the service answers over HTTPS with the configured certificate, and no plain http on its port',
    { skip },
    async () => {
      assert.match(server.url, /^https:\/\//);
      const answer = await new Promise<{ status: number; fingerprint: string }>((resolve, reject) => {
        // Verified against the test CA alone, not the process's trust store.
        httpsGet(`${server.url}/api/health`, { ca: readFileSync(tls.caFile) }, (res) => {
          res.resume();
          const peer = (res.socket as TLSSocket).getPeerX509Certificate();
          resolve({ status: res.statusCode ?? 0, fingerprint: peer?.fingerprint256 ?? '' });
        }).on('error', reject);
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.fingerprint, new X509Certificate(tls.cert).fingerprint256);
      const plain = await new Promise<string>((resolve) => {
        httpGet(`http://${SANDBOX_IP}:${server.port}/api/health`, (res) => {
          res.resume();
          resolve(`HTTP ${res.statusCode}`);
        }).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      assert.doesNotMatch(plain, /^HTTP/, 'a plain-http request gets no HTTP answer');
    },
  );

  test(
    'IAM-LOCAL, MEET-CREATE, IAM-GUEST: over HTTPS a signed-in owner and a guest join from a non-loopback address, signaling over wss, and decode each other',
    { skip },
    async () => {
      const ownerContext = await browser.newParticipant('Ada');
      const session = await signIn(ownerContext.context, server, ADMIN);
      assert.ok(session.csrfToken);
      const cookie = (await ownerContext.context.cookies(server.url)).find(
        (c) => c.name === 'conclave_session',
      );
      assert.equal(cookie?.secure, true, 'the session cookie is Secure');
      const meeting = await createMeeting(ownerContext.context, server, 'Over HTTPS');
      assert.match(
        meeting.joinUrl,
        new RegExp(`^https://${SANDBOX_IP.replaceAll('.', '\\.')}:${server.port}/m/`),
      );

      const guestContext = await browser.newParticipant('Bob');
      const sockets: string[] = [];
      for (const { page } of [ownerContext, guestContext])
        page.on('websocket', (ws) => sockets.push(ws.url()));
      const ada: InMeeting = {
        name: 'Ada',
        page: ownerContext.page,
        id: await joinSignedIn(ownerContext.page, meeting.joinUrl),
      };
      const bob: InMeeting = {
        name: 'Bob',
        page: guestContext.page,
        id: await joinAsGuest(guestContext.page, meeting.joinUrl, 'Bob'),
      };
      for (const { page } of [ada, bob]) {
        // On http://10.77.0.1 this would be false, and getUserMedia would not exist.
        assert.equal(await page.evaluate(() => window.isSecureContext), true);
      }
      assert.ok(
        sockets.filter((url) => url.startsWith(`wss://${SANDBOX_IP}:${server.port}/api/signal`)).length >= 2,
        `both signaling sockets are wss: ${sockets.join(', ')}`,
      );
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
    },
  );
});
