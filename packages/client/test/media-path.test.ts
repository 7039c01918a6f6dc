/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaQuality } from '../src/media-quality';
import { roomPath, samePath, selectedPath, type MediaPath, type PathStatsLike } from '../src/media-path';
import { RemoteParticipant } from '../src/remote-participant';

/** A Chromium-shaped report: the transport names the pair, the pair its local candidate. */
function chromium(local: Partial<PathStatsLike>): PathStatsLike[] {
  return [
    { type: 'transport', id: 'T01', selectedCandidatePairId: 'CP2' },
    { type: 'candidate-pair', id: 'CP1', localCandidateId: 'L1' },
    { type: 'candidate-pair', id: 'CP2', localCandidateId: 'L2' },
    { type: 'local-candidate', id: 'L1', candidateType: 'host', protocol: 'udp' },
    { type: 'local-candidate', id: 'L2', ...local },
    { type: 'inbound-rtp', id: 'I1' },
  ];
}

test('NET-TURN: the selected pair’s local candidate says relay and the protocol to the TURN server', () => {
  for (const protocol of ['udp', 'tcp', 'tls'] as const) {
    assert.deepEqual(
      selectedPath(chromium({ candidateType: 'relay', protocol: 'udp', relayProtocol: protocol })),
      { relayed: true, protocol },
    );
  }
});

test('NET-TURN: a host or reflexive candidate is a direct path over its own protocol', () => {
  assert.deepEqual(selectedPath(chromium({ candidateType: 'srflx', protocol: 'udp' })), {
    relayed: false,
    protocol: 'udp',
  });
  assert.deepEqual(selectedPath(chromium({ candidateType: 'host', protocol: 'tcp' })), {
    relayed: false,
    protocol: 'tcp',
  });
});

test('NET-TURN: no path before a pair is selected, or when the stats do not say enough', () => {
  assert.equal(selectedPath([]), null);
  assert.equal(selectedPath([{ type: 'transport', id: 'T01' }]), null);
  assert.equal(selectedPath(chromium({ candidateType: 'relay', protocol: 'udp' })), null);
  assert.equal(
    selectedPath([{ type: 'transport', id: 'T', selectedCandidatePairId: 'gone' }]),
    null,
    'a pair id naming nothing',
  );
});

test('NET-TURN: a pair marked selected itself (Firefox) is read too', () => {
  assert.deepEqual(
    selectedPath([
      { type: 'candidate-pair', id: 'P', localCandidateId: 'L', selected: true },
      { type: 'local-candidate', id: 'L', candidateType: 'relay', protocol: 'tcp', relayProtocol: 'tls' },
    ]),
    { relayed: true, protocol: 'tls' },
  );
});

test('NET-TURN: the room shows a relayed connection over a direct one, and compares paths by value', () => {
  const direct = { relayed: false, protocol: 'udp' } as const;
  const tls = { relayed: true, protocol: 'tls' } as const;
  assert.deepEqual(roomPath([direct, tls]), tls);
  assert.deepEqual(roomPath([null, direct]), direct);
  assert.equal(roomPath([null, null]), null);
  assert.ok(samePath({ ...tls }, tls));
  assert.ok(!samePath(direct, tls));
  assert.ok(!samePath(null, tls));
  assert.ok(samePath(null, null));
});

test('NET-TURN: the room reports its path once when it is found, again only when it changes, and null when it leaves', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  let sent: PathStatsLike[] = chromium({ candidateType: 'host', protocol: 'udp' });
  const heard: (MediaPath | null)[] = [];
  const me = new RemoteParticipant({
    id: 'me',
    displayName: 'Me',
    kind: 'guest',
    moderator: false,
    joinedAt: '2026-01-01T00:00:00.000Z',
    tracks: [],
  });
  const quality = new MediaQuality({
    stats: () => Promise.resolve({ received: null, sent }),
    sendLayers: () => Promise.resolve(),
    // Stands in for the local participant: the quality judged of it does not matter here.
    local: () => me,
    remotes: () => [],
    qualityChanged: () => undefined,
    pathChanged: (path) => heard.push(path),
  });
  const tick = async () => {
    t.mock.timers.tick(2_000);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  quality.start();
  await tick();
  await tick();
  assert.deepEqual(heard, [{ relayed: false, protocol: 'udp' }], 'the same path twice is one event');
  sent = chromium({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' });
  await tick();
  assert.deepEqual(quality.path, { relayed: true, protocol: 'tls' });
  quality.reset();
  assert.deepEqual(heard.slice(1), [{ relayed: true, protocol: 'tls' }, null]);
});
