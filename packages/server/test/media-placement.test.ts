import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choosePlacement, regionsByRtt, type Candidate } from '../src/media/placement';

/** A healthy media server as placement sees it, named so the tests can say which one won. */
const server = (name: string, region: string, capacity: number, participants = 0, rooms = 0) => ({
  name,
  region,
  capacity,
  participants,
  rooms,
});
const chosen = (candidates: Array<Candidate & { name: string }>, preferred?: string[]) =>
  choosePlacement(candidates, preferred)?.name ?? null;

describe('NET-REGIONS: placing a new meeting room', () => {
  test('NET-REGIONS: the room goes to the nearest region, to its server with the most room to spare', () => {
    const servers = [
      server('a1', 'a', 100, 10),
      server('b1', 'b', 100, 60),
      server('b2', 'b', 200, 120), // 80 to spare: more than b1's 40, though fuller by share
      server('c1', 'c', 500, 0),
    ];
    assert.equal(chosen(servers, ['b', 'a']), 'b2');
    assert.equal(chosen(servers, ['a', 'b']), 'a1');
    assert.equal(chosen(servers, ['c']), 'c1');
  });

  test('NET-REGIONS: equal room to spare goes to the server with fewer rooms, then the one configured first', () => {
    assert.equal(chosen([server('b1', 'b', 100, 10, 3), server('b2', 'b', 100, 10, 1)], ['b']), 'b2');
    assert.equal(chosen([server('b1', 'b', 100, 10, 1), server('b2', 'b', 100, 10, 1)], ['b']), 'b1');
  });

  test('NET-REGIONS: a full region spills to the next nearest, rather than refusing', () => {
    const servers = [
      server('a1', 'a', 100, 0),
      server('b1', 'b', 50, 50),
      server('c1', 'c', 100, 99),
      server('d1', 'd', 100, 0),
    ];
    assert.equal(chosen(servers, ['b', 'c', 'a']), 'c1', 'b is full; c, next nearest, still has a seat');
    assert.equal(chosen(servers, ['b']), 'a1', 'past the measured regions, the roomiest of the rest');
  });

  test('NET-REGIONS: a region with no healthy server spills the same way (only healthy servers are candidates)', () => {
    assert.equal(chosen([server('a1', 'a', 100, 90), server('c1', 'c', 100, 0)], ['b', 'a']), 'a1');
  });

  test('NET-REGIONS: when every server is full, the one least over its capacity still takes the room', () => {
    const servers = [server('a1', 'a', 10, 15), server('b1', 'b', 10, 11), server('c1', 'c', 10, 12)];
    assert.equal(chosen(servers, ['a']), 'b1');
  });

  test('NET-REGIONS: without measurements, the roomiest server of any region', () => {
    const servers = [server('a1', 'a', 100, 70), server('b1', 'b', 100, 20), server('b2', 'b', 100, 40)];
    assert.equal(chosen(servers), 'b1');
    assert.equal(chosen(servers, []), 'b1');
  });

  test('NET-REGIONS: no healthy server at all places nothing', () => {
    assert.equal(chosen([], ['a']), null);
  });

  test('NET-REGIONS: measured regions are ordered by round-trip time, nearest first', () => {
    assert.deepEqual(regionsByRtt({ a: 162.4, b: 11.2, c: 40 }), ['b', 'c', 'a']);
    assert.deepEqual(regionsByRtt({}), []);
  });
});
