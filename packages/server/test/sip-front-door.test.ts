// Kamailio as the SIP gateway's front door (docs/sip.md, "Security"): the per-address INVITE limit,
// and trunks, whose calls alone come over plain UDP and carry the trunk's mark to the gateway.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/media/janus-supervisor';
import { KamailioSupervisor } from '../src/sip';
import { GATEWAY_USER, TRUNK_HEADER } from '../src/sip/kamailio-config';
import { freeUdpPort } from '../src/sip/options-ping';
import { headerOf, sendInvite, StandInGateway, type InviteOptions } from './support/sip-client';
import { makeTestTls, type TestTls } from './support/tls';
import { kamailioUnavailableReason } from './support/sip-support';

const DOMAIN = 'sip.conclave.test';
const LIMIT = 3;
/** The limit's window here (a minute in production), short enough to see it end. */
const WINDOW_SECONDS = 2;
const URI = `sip:7654321@${DOMAIN}`;

describe('INTEROP-SIP: Kamailio, the SIP front door', { skip: kamailioUnavailableReason() ?? false }, () => {
  let tls: TestTls;
  let kamailio: KamailioSupervisor;
  let gateway: StandInGateway;
  let tlsPort: number;
  let udpPort: number;

  before(async () => {
    tls = makeTestTls('127.0.0.1');
    tlsPort = await freePort();
    udpPort = await freeUdpPort();
    kamailio = new KamailioSupervisor({
      tls: { ip: '127.0.0.1', port: tlsPort, certFile: tls.certFile, keyFile: tls.keyFile },
      gatewayPort: 0,
      domain: DOMAIN,
      invitesPerMinute: LIMIT,
      inviteWindowSeconds: WINDOW_SECONDS,
      udpPort,
      trunks: [
        { name: 'carrier', addresses: ['127.0.0.20', '127.0.1.0/24'], transport: 'udp' },
        { name: 'secure-carrier', addresses: ['127.0.0.30'], transport: 'tls' },
      ],
    });
    const { proxy } = await kamailio.start();
    gateway = await StandInGateway.register(Number(proxy.split(':').pop()), GATEWAY_USER, DOMAIN);
  });
  after(async () => {
    gateway?.close();
    await kamailio?.stop();
    tls?.remove();
  });

  const invite = (from: string, transport: 'tls' | 'udp' = 'tls', extra: Partial<InviteOptions> = {}) =>
    sendInvite({
      transport,
      from,
      to: { host: '127.0.0.1', port: transport === 'tls' ? tlsPort : udpPort },
      uri: URI,
      ca: readFileSync(tls.caFile, 'utf8'),
      ...extra,
    });
  /** The INVITEs the gateway got so far, by Call-ID's caller address. */
  const reached = (from: string) =>
    gateway.invites.filter((i) => headerOf(i.headers, 'Call-ID')?.endsWith(`@${from}`)).length;

  test('INTEROP-SIP: one address sending more INVITEs a minute than allowed gets 503 with Retry-After, while another address still gets through; after the window it gets through again', async () => {
    for (let i = 0; i < LIMIT; i++) {
      // Through to the gateway, which is busy: its 486 comes back.
      assert.equal((await invite('127.0.0.2')).status, 486, `INVITE ${i + 1} of ${LIMIT}`);
    }
    const refused = await invite('127.0.0.2');
    assert.deepEqual([refused.status, refused.reason], [503, 'Too Many Calls']);
    assert.equal(headerOf(refused.headers, 'Retry-After'), String(WINDOW_SECONDS));
    assert.equal(reached('127.0.0.2'), LIMIT, 'the refused INVITE never reached the gateway');
    // A plain-UDP INVITE from the same address counts too (and is refused either way).
    assert.equal((await invite('127.0.0.2', 'udp')).status, 503);

    assert.equal((await invite('127.0.0.3')).status, 486, 'another address is not held back');
    assert.equal(reached('127.0.0.3'), 1);

    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000 + 200));
    assert.equal((await invite('127.0.0.2')).status, 486, 'a new window, a new allowance');
    assert.equal(reached('127.0.0.2'), LIMIT + 1);
  });

  test('INTEROP-PSTN: a trunk’s INVITEs over UDP from its addresses reach the gateway marked as the trunk’s, and are not rate limited', async () => {
    for (const from of ['127.0.0.20', '127.0.1.7']) {
      for (let i = 0; i < LIMIT + 2; i++) assert.equal((await invite(from, 'udp')).status, 486);
      assert.equal(reached(from), LIMIT + 2);
    }
    const last = gateway.invites.at(-1)!;
    assert.equal(headerOf(last.headers, TRUNK_HEADER), 'carrier;transport=udp');
    assert.equal(last.requestUri, `sip:${GATEWAY_USER}@127.0.0.1:${last.requestUri.split(':').pop()}`);
    assert.equal(headerOf(last.headers, 'To'), `<${URI}>`, 'the dialled number is kept');
    // Over TLS too, from a trunk that takes TLS only.
    assert.equal((await invite('127.0.0.30')).status, 486);
    assert.equal(headerOf(gateway.invites.at(-1)!.headers, TRUNK_HEADER), 'secure-carrier;transport=tls');
  });

  test('INTEROP-PSTN: plain UDP stays refused (403) to everyone else, a TLS-only trunk included, and nobody can forge the trunk mark', async () => {
    const before = gateway.invites.length;
    const udp = await invite('127.0.0.4', 'udp');
    assert.deepEqual([udp.status, udp.reason], [403, 'SIP over TLS required']);
    assert.equal((await invite('127.0.0.30', 'udp')).status, 403);
    assert.equal(gateway.invites.length, before);

    // An endpoint sending the mark itself, in any case: the gateway sees none.
    const forged = await invite('127.0.0.5', 'tls', {
      headers: [`${TRUNK_HEADER}: carrier;transport=udp`, 'x-conclave-trunk: carrier'],
    });
    assert.equal(forged.status, 486);
    const received = gateway.invites.at(-1)!;
    assert.ok(headerOf(received.headers, 'Call-ID')?.endsWith('@127.0.0.5'));
    assert.equal(
      received.headers.filter((h) => h.toLowerCase().startsWith(TRUNK_HEADER.toLowerCase())).length,
      0,
      received.headers.join('\n'),
    );
  });
});
