// NET-REGIONS end to end: two embedded Janus in regions a and b, each region's probe reached through
// its own address with its own delay (support/region-links.ts: a veth link and a delaying relay). The browser that starts a meeting measures
// b as nearer, so the meeting's media runs on b's Janus; a later joiner who measures a as nearer still
// joins the meeting where it is. Real server, Janus and Chromium, in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RegionRtts } from '@conclave/protocol';
import { createMeeting, joinAsGuest, joinSignedIn, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertBackTogether, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { RegionLink } from './support/region-links';
import { scrapeUrl } from '../../packages/server/test/support/metrics';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';
import { mediaServerPorts, recordWire } from './support/wire';

const skip = mediaSkipReason();
/** Where each region's relay listens, on its own address. */
const RELAY_PORT = 18080;
/** Delay each way, ms: a far region's round trip is 160 ms more, a near one's 10 ms. */
const FAR = 80;
const NEAR = 5;

describe('NET-REGIONS: a meeting is placed in the region nearest its first participant', () => {
  let server: TestServer;
  let browser: TestBrowser;
  const links: RegionLink[] = [];

  before(async () => {
    if (skip) return;
    const probe = (index: number, region: string) =>
      `${region}=http://10.78.${index}.1:${RELAY_PORT}/api/regions/${region}/probe`;
    ({ server, browser } = await startEnvironment({
      server: {
        env: {
          CONCLAVE_MEDIA_REGIONS: 'a,b',
          CONCLAVE_REGION_PROBES: `${probe(1, 'a')},${probe(2, 'b')}`,
        },
      },
    }));
    links.push(await RegionLink.open(1, FAR, RELAY_PORT, server.port));
    links.push(await RegionLink.open(2, NEAR, RELAY_PORT, server.port));
  });
  after(async () => {
    for (const link of links) await link.close();
    await stopEnvironment({ server, browser });
  });

  test(
    'NET-REGIONS: the first participant measures b nearer, so the call runs on b’s Janus; a later joiner nearer a joins it there',
    { skip },
    async () => {
      const a = await browser.newParticipant('Ada');
      await a.context.addInitScript(recordWire);
      await a.context.addInitScript(recordJoins);
      await signIn(a.context, server);
      const meeting = await createMeeting(a.context, server, 'Regions');
      const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
      const adaRtts = await joinRtts(ada.page);
      assert.ok(adaRtts.a !== undefined && adaRtts.b !== undefined, JSON.stringify(adaRtts));
      assert.ok(adaRtts.b < adaRtts.a, `Ada measured b nearer: ${JSON.stringify(adaRtts)}`);

      // Now a is the near one: Bob's browser measures so, and still joins the meeting on b.
      links[0]!.setDelay(NEAR);
      links[1]!.setDelay(FAR);
      const b = await browser.newParticipant('Bob');
      await b.context.addInitScript(recordWire);
      await b.context.addInitScript(recordJoins);
      const bob: InMeeting = {
        name: 'Bob',
        page: b.page,
        id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob'),
      };
      const bobRtts = await joinRtts(bob.page);
      assert.ok(bobRtts.a !== undefined && bobRtts.b !== undefined, JSON.stringify(bobRtts));
      assert.ok(bobRtts.a < bobRtts.b, `Bob measured a nearer: ${JSON.stringify(bobRtts)}`);

      await assertBackTogether([ada, bob]);
      const regionB = regionBJanus(server);
      for (const person of [ada, bob]) {
        const ports = await mediaServerPorts(person.page);
        assert.ok(ports.length > 0, `${person.name}'s media is connected`);
        for (const port of ports) {
          assert.ok(
            port >= regionB.min && port <= regionB.max,
            `${person.name}'s media goes through port ${port}, outside b's Janus (${regionB.min}-${regionB.max})`,
          );
        }
      }
      assert.deepEqual(await participantsByRegion(server), { a: 0, b: 2 });
    },
  );
});

/** Runs in the page before its scripts: keeps the `regionRtts` of every join frame the page sends. */
function recordJoins(): void {
  const joins: unknown[] = [];
  (window as unknown as { __joins: unknown[] }).__joins = joins;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data) {
    try {
      const frame = JSON.parse(String(data)) as { type?: string; regionRtts?: unknown };
      if (frame.type === 'join') joins.push(frame.regionRtts ?? null);
    } catch {
      // Not JSON: not ours.
    }
    send.call(this, data);
  };
}

/** What the page's (only) join said it measured. */
async function joinRtts(page: Page): Promise<RegionRtts> {
  const joins = await page.evaluate(() => (window as unknown as { __joins: unknown[] }).__joins);
  assert.equal(joins.length, 1, 'one join');
  return (joins[0] ?? {}) as RegionRtts;
}

/**
 * Region b's Janus: embedded servers get their slices of the RTP ports in configuration order, and
 * CONCLAVE_MEDIA_REGIONS=a,b puts b second, so b's is the upper slice.
 */
function regionBJanus(server: TestServer): { min: number; max: number } {
  const slices = server.janusPids().map((pid) => server.janusRtpPorts(pid));
  assert.equal(slices.length, 2, 'two Janus processes');
  return slices.reduce((upper, s) => (s.min > upper.min ? s : upper));
}

/** Participants per region, as the server's metrics count them. */
async function participantsByRegion(server: TestServer): Promise<Record<string, number>> {
  const metrics = await scrapeUrl(server.url);
  const regions = [...metrics.labelValues('conclave_media_participants', 'region')];
  return Object.fromEntries(
    regions.map((region) => [region, metrics.value('conclave_media_participants', { region })]),
  );
}
