/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classifyQuality,
  ReceiveQuality,
  SendQuality,
  type LinkSample,
  type RtpStatsLike,
} from '../src/connection-quality';

const link = (over: Partial<LinkSample> = {}): LinkSample => ({
  expected: 100,
  arrived: 100,
  loss: 0,
  jitterMs: 5,
  rttMs: 20,
  fps: 30,
  ...over,
});

test('MEET-QUALITY: the classifier: clean is excellent, some loss or delay good, much poor, nothing lost', () => {
  assert.equal(classifyQuality(link()), 'excellent');
  assert.equal(classifyQuality(link({ loss: 0.05 })), 'good');
  assert.equal(classifyQuality(link({ rttMs: 300 })), 'good');
  assert.equal(classifyQuality(link({ jitterMs: 50 })), 'good');
  assert.equal(classifyQuality(link({ fps: 5 })), 'good');
  assert.equal(classifyQuality(link({ loss: 0.2 })), 'poor');
  assert.equal(classifyQuality(link({ rttMs: 800 })), 'poor');
  assert.equal(classifyQuality(link({ jitterMs: 150 })), 'poor');
  assert.equal(classifyQuality(link({ arrived: 0, loss: 1 })), 'lost');
  assert.equal(classifyQuality(link({ expected: 0, arrived: 0 })), 'unknown');
});

test('MEET-QUALITY: received stats become per-participant samples over the interval, by mid', () => {
  const q = new ReceiveQuality();
  const streams = [
    { mid: '0', participantId: 'ada', kind: 'audio' as const },
    { mid: '1', participantId: 'ada', kind: 'video' as const },
    { mid: '2', participantId: 'bob', kind: 'video' as const },
  ];
  const pair: RtpStatsLike = {
    type: 'candidate-pair',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.04,
    availableIncomingBitrate: 3_000_000,
  };
  const at = (ada: number, adaLost: number, bob: number, bobLost: number): RtpStatsLike[] => [
    pair,
    { type: 'inbound-rtp', mid: '0', ssrc: 1, packetsReceived: ada, packetsLost: 0, jitter: 0.004 },
    {
      type: 'inbound-rtp',
      mid: '1',
      ssrc: 2,
      packetsReceived: ada,
      packetsLost: adaLost,
      framesPerSecond: 30,
    },
    {
      type: 'inbound-rtp',
      mid: '2',
      ssrc: 3,
      packetsReceived: bob,
      packetsLost: bobLost,
      framesPerSecond: 24,
    },
  ];
  const first = q.sample(at(100, 0, 100, 0), streams);
  assert.equal(first.byParticipant.size, 0, 'the first look is the baseline');
  const second = q.sample(at(200, 0, 170, 30), streams);
  const ada = second.byParticipant.get('ada')!;
  assert.deepEqual([ada.expected, ada.arrived, ada.loss, ada.rttMs, ada.fps], [200, 200, 0, 40, 30]);
  assert.equal(classifyQuality(ada), 'excellent');
  const bob = second.byParticipant.get('bob')!;
  assert.ok(Math.abs(bob.loss - 0.3) < 1e-9);
  assert.equal(classifyQuality(bob), 'poor');
  assert.equal(second.videoLoss, 30 / 200);
  assert.equal(second.availableIncomingBitrate, 3_000_000);
  // Nothing arrives from Bob in the next interval: his entry is there with nothing expected.
  const third = q.sample(at(300, 0, 170, 30), streams);
  assert.equal(third.byParticipant.get('bob')!.arrived, 0);
});

test('MEET-QUALITY: the local link is judged from what the media server reports receiving', () => {
  const q = new SendQuality();
  const at = (sent: number, fractionLost: number): RtpStatsLike[] => [
    { type: 'outbound-rtp', id: 'o1', kind: 'video', packetsSent: sent, framesPerSecond: 28 },
    { type: 'remote-inbound-rtp', fractionLost, jitter: 0.003, roundTripTime: 0.03 },
  ];
  assert.equal(classifyQuality(q.sample(at(100, 0))), 'unknown', 'the first look is the baseline');
  assert.equal(classifyQuality(q.sample(at(300, 0))), 'excellent');
  assert.equal(classifyQuality(q.sample(at(500, 0.25))), 'poor');
  assert.equal(classifyQuality(q.sample(at(500, 0))), 'unknown', 'nothing sent: nothing to judge');
});
