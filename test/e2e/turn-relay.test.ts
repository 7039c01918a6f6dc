// NET-TURN through the web app, with the embedded coturn: Bob's browser runs in a network of its own
// (support/cut-link.ts) whose firewall a test closes, as strict corporate networks do; Ada's is on the
// server's network. Each test proves by getStats which way Bob's media went. Real server, coturn,
// Janus and Chromium, in the sandbox.
import assert from 'node:assert/strict';
import type { NetworkEndpointsView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import { after, before, describe, test } from 'node:test';
import { createMeeting, joinAsGuest, joinSignedIn, signIn, updateSettings } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertBackTogether, type InMeeting } from './support/checks';
import type { CutLink } from './support/cut-link';
import { RelayStage } from './support/relay-stage';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';
import { recordWire, remoteCandidateAddresses, selectedPaths } from './support/wire';

const skip = mediaSkipReason();
/** The media server's public address, as a 1:1 NAT would map it (RFC 5737's documentation range). */
const PUBLIC_IP = '203.0.113.7';

describe('NET-TURN: media through the embedded relay, over UDP, TCP and TLS', () => {
  let stage: RelayStage;
  let link: CutLink;
  let server: TestServer;
  let ada: TestBrowser;
  let bob: TestBrowser;
  let turnPort: number;
  let tlsPort: number;

  before(async () => {
    if (skip) return;
    // As on a cloud machine behind a 1:1 NAT. Nothing here routes to that address, so every path below
    // also proves that the private candidates are kept beside it.
    stage = await RelayStage.start({ CONCLAVE_MEDIA_PUBLIC_IP: PUBLIC_IP });
    ({ link, server, ada, bob, turnPort, tlsPort } = stage);
  });
  after(async () => {
    await stage?.stop();
  });

  /** Ada hosts, Bob joins as a guest from his network; both see each other; Bob's two connections' paths. */
  const meet = async (name: string, relayOnly: boolean, inspectBob?: (page: Page) => Promise<void>) => {
    const a = await ada.newParticipant('Ada', { cameraCode: 0 });
    await signIn(a.context, server);
    await updateSettings(a.context, server, { security: { requireSecondFactor: 'nobody', relayOnly } });
    const meeting = await createMeeting(a.context, server, name);
    const host: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
    const b = await bob.newParticipant('Bob', { cameraCode: 1 });
    await b.context.addInitScript(recordWire);
    const guest: InMeeting = {
      name: 'Bob',
      page: b.page,
      id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob'),
    };
    try {
      await assertBackTogether([host, guest]);
      const paths = await selectedPaths(b.page);
      assert.equal(paths.length, 2, 'Bob publishes and receives');
      // What Bob reads in the meeting's settings: the stats above, as the SDK sums them up.
      await b.page.getByRole('button', { name: 'Settings' }).click();
      const dialog = b.page.getByRole('dialog');
      await dialog
        .getByRole('region', { name: 'Connection' })
        .getByText(shown(paths[0]!))
        .waitFor({ timeout: 5_000 });
      await dialog.getByRole('button', { name: 'Done' }).click();
      await inspectBob?.(b.page);
      return paths;
    } finally {
      await Promise.all([a.context.close(), b.context.close()]);
    }
  };
  const shown = ({
    candidateType,
    relayProtocol,
  }: {
    candidateType: string;
    relayProtocol: string | null;
  }) =>
    candidateType === 'relay'
      ? `Connected via relay (${relayProtocol?.toUpperCase()})`
      : 'Connected directly (UDP)';
  const all = (candidateType: string, relayProtocol: string | null) =>
    [0, 1].map(() => ({ candidateType, relayProtocol }));

  test(
    'NET-TURN: with the organisation relaying all media, a guest’s browser reaches the meeting only through TURN over UDP',
    { skip },
    async () => {
      // TCP to the relay closed, TLS too: otherwise a TLS relay pair that answers first may be chosen.
      link.firewall([`tcp dport ${turnPort}`, `tcp dport ${tlsPort}`]);
      assert.deepEqual(await meet('Relayed, UDP', true), all('relay', 'udp'));
    },
  );

  test(
    'NET-TURN: a network that lets no UDP out: media still flows, through TURN over TCP, without the organisation asking for relays',
    { skip },
    async () => {
      link.firewall(['meta l4proto udp']);
      assert.deepEqual(await meet('No UDP', false), all('relay', 'tcp'));
    },
  );

  test(
    'NET-TURN: a network that lets out only TLS: media flows through TURN over TLS',
    { skip },
    async () => {
      link.firewall(['meta l4proto udp', `tcp dport ${turnPort}`]);
      assert.deepEqual(await meet('TLS only', false), all('relay', 'tls'));
    },
  );

  test(
    'NET-FQDN: the list of what a firewall must allow is the running server’s: its address, its relay’s ports, its media ports',
    { skip },
    async () => {
      const { endpoints } = (await (
        await fetch(`${server.url}/api/network/endpoints`)
      ).json()) as NetworkEndpointsView;
      const host = link.serverAddress;
      assert.deepEqual(
        endpoints.filter((e) => e.purpose !== 'media'),
        [
          { purpose: 'web', host, ports: String(server.port), protocol: 'tcp' },
          { purpose: 'relay', host, ports: String(turnPort), protocol: 'udp' },
          { purpose: 'relay', host, ports: String(turnPort), protocol: 'tcp' },
          { purpose: 'relay', host, ports: String(tlsPort), protocol: 'tls' },
        ],
      );
      assert.deepEqual(
        endpoints.filter((e) => e.purpose === 'media').map((e) => [e.host, e.protocol]),
        [[PUBLIC_IP, 'udp']],
        'the media server’s UDP ports, at the address the NAT maps to it',
      );
      // The same list as a page, for whoever opens the firewall, signed in or not.
      const { context, page } = await ada.newParticipant('Network admin', { distinctCamera: false });
      await page.goto(`${server.url}/network`);
      const rows = page.getByRole('table').getByRole('row');
      await rows.nth(endpoints.length).waitFor();
      const shownRows = (await rows.allInnerTexts()).slice(1).map((r) => r.split('\t').slice(1, 3));
      assert.deepEqual(
        shownRows,
        endpoints.map((e) => [e.host, e.ports]),
      );
      await context.close();
    },
  );

  test(
    'NET-TURN: an open network without the organisation’s setting goes directly to the media server',
    { skip },
    async () => {
      link.firewall([]);
      let offered: string[] = [];
      assert.deepEqual(
        await meet('Direct', false, async (page) => {
          offered = await remoteCandidateAddresses(page);
        }),
        all('host', null),
      );
      // Janus announced the public address (a browser elsewhere reaches it) and kept the private one.
      assert.equal(offered.length, 2, `one public and one private address: ${offered.join(', ')}`);
      assert.ok(offered.includes(PUBLIC_IP), `the public address among ${offered.join(', ')}`);
    },
  );
});
