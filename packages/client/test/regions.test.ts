/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { measureRegions, regionsUrl, type FetchLike } from '../src/regions';
import { FakeServer, SIGNALING_URL } from './support/fake-server';
import { roomTests } from './support/rooms';

const LIST = 'https://meet.example/api/regions';

/**
 * A simulated network: each region's probes answer after the given times (ms, one per request) on a
 * simulated clock, or never (`'dead'`: only the budget ends the wait), or with an error status. Requests
 * in flight at once complete in the order of their times, the clock jumping to each completion, so
 * regions measured in parallel each see their own round trips.
 */
function network(regions: Record<string, number[] | 'dead' | number>) {
  let clock = 0;
  const requests: string[] = [];
  const inFlight: Array<{ at: number; resolve: () => void }> = [];
  const completeNext = () => {
    inFlight.sort((x, y) => x.at - y.at);
    const next = inFlight.shift();
    if (!next) return;
    clock = next.at;
    next.resolve();
  };
  const fetch: FetchLike = async (url, init) => {
    requests.push(url);
    if (url === LIST) {
      const list = Object.keys(regions).map((name) => ({ name, probeUrl: `https://${name}.example/probe` }));
      return Response.json({ regions: list });
    }
    const plan = regions[new URL(url).hostname.split('.')[0]!]!;
    if (plan === 'dead') {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    if (typeof plan === 'number') return new Response('oops', { status: plan });
    const delay = plan[requests.filter((r) => r === url).length - 1]!;
    await new Promise<void>((resolve) => {
      inFlight.push({ at: clock + delay, resolve });
      // Once every request sent at this moment is in flight.
      setImmediate(completeNext);
    });
    return new Response(null, { status: 204 });
  };
  return { fetch, now: () => clock, requests };
}

describe('NET-REGIONS: measuring the media regions', () => {
  test('NET-REGIONS: each region is timed three times and the median kept', async () => {
    const net = network({ a: [160, 81, 84], b: [30, 6, 5] });
    assert.deepEqual(await measureRegions(LIST, net), { a: 84, b: 6 });
    assert.equal(net.requests.filter((u) => u.startsWith('https://a.')).length, 3);
  });

  test('NET-REGIONS: a region whose probe fails or never answers is left out, and measuring still ends', async () => {
    const net = network({ a: 'dead', b: [7, 8, 9], c: 404 });
    assert.deepEqual(await measureRegions(LIST, { ...net, budgetMs: 50 }), { b: 8 });
  });

  test('NET-REGIONS: one region, or no answer from the list, measures nothing', async () => {
    const one = network({ only: [1, 1, 1] });
    assert.deepEqual(await measureRegions(LIST, one), {});
    assert.deepEqual(one.requests, [LIST]);
    const down: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    assert.deepEqual(await measureRegions(LIST, { fetch: down }), {});
  });

  test('NET-REGIONS: the regions are listed beside the signaling endpoint', () => {
    assert.equal(regionsUrl('wss://meet.example/api/signal'), 'https://meet.example/api/regions');
    assert.equal(
      regionsUrl('ws://10.0.0.1:8080/conclave/api/signal'),
      'http://10.0.0.1:8080/conclave/api/regions',
    );
  });
});

describe('NET-REGIONS: the join carries the measurements', () => {
  const { joinRoom } = roomTests();

  test('NET-REGIONS: with several regions, the join names each with its round-trip time', async () => {
    const server = new FakeServer();
    server.regions = ['eu-west', 'us-east'];
    await joinRoom(server);
    const [join] = server.socket.sent('join');
    assert.deepEqual(Object.keys(join?.regionRtts ?? {}).sort(), ['eu-west', 'us-east']);
    for (const rtt of Object.values(join?.regionRtts ?? {})) assert.ok(rtt >= 0);
    assert.equal(server.fetched.filter((u) => u === 'https://eu-west.example/probe').length, 3);
  });

  test('NET-REGIONS: with one region, the join carries none and no probe is sent', async () => {
    const server = new FakeServer();
    await joinRoom(server);
    assert.equal(server.socket.sent('join')[0]?.regionRtts, undefined);
    assert.deepEqual(server.fetched, [
      new URL('/api/regions', SIGNALING_URL.replace(/^ws/, 'http')).toString(),
    ]);
  });
});
