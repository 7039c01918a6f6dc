/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamInfo } from '@conclave/protocol';
import { collectMediaStats, type InboundRtpLike } from '../src/stats';

const streams: StreamInfo[] = [
  { mid: '0', participantId: 'alice', source: 'microphone', kind: 'audio' },
  { mid: '1', participantId: 'alice', source: 'camera', kind: 'video' },
  { mid: '2', participantId: 'bob', source: 'camera', kind: 'video' },
];

test('inbound-rtp counters are attributed to participant and source by mid, with frame size and codec', () => {
  const reports: InboundRtpLike[] = [
    { type: 'codec', id: 'c1', mimeType: 'video/VP8' },
    { type: 'codec', id: 'c0', mimeType: 'audio/opus' },
    {
      type: 'inbound-rtp',
      mid: '1',
      framesDecoded: 42,
      packetsReceived: 100,
      bytesReceived: 90000,
      frameWidth: 320,
      frameHeight: 180,
      codecId: 'c1',
    },
    {
      type: 'inbound-rtp',
      mid: '0',
      packetsReceived: 50,
      bytesReceived: 4000,
      framesDecoded: 7,
      codecId: 'c0',
    },
    { type: 'outbound-rtp', mid: '2', packetsReceived: 999 },
    { type: 'candidate-pair' },
  ];
  const stats = collectMediaStats(reports, streams);
  assert.deepEqual(stats, [
    {
      participantId: 'alice',
      source: 'microphone',
      kind: 'audio',
      framesDecoded: 0,
      packetsReceived: 50,
      bytesReceived: 4000,
      frameWidth: 0,
      frameHeight: 0,
      codec: 'audio/opus',
    },
    {
      participantId: 'alice',
      source: 'camera',
      kind: 'video',
      framesDecoded: 42,
      packetsReceived: 100,
      bytesReceived: 90000,
      frameWidth: 320,
      frameHeight: 180,
      codec: 'video/VP8',
    },
    {
      participantId: 'bob',
      source: 'camera',
      kind: 'video',
      framesDecoded: 0,
      packetsReceived: 0,
      bytesReceived: 0,
      frameWidth: 0,
      frameHeight: 0,
      codec: '',
    },
  ]);
});

test('stats for media sections that are no longer subscribed are left out', () => {
  const stats = collectMediaStats(
    [{ type: 'inbound-rtp', mid: '9', packetsReceived: 5 }],
    streams.slice(0, 1),
  );
  assert.equal(stats.length, 1);
  assert.equal(stats[0]?.packetsReceived, 0);
});

test('entries without a mid are matched through the receiving track id', () => {
  const stats = collectMediaStats(
    [
      {
        type: 'inbound-rtp',
        trackIdentifier: 'track-b',
        framesDecoded: 3,
        packetsReceived: 9,
        bytesReceived: 800,
      },
    ],
    streams,
    new Map([['track-b', '2']]),
  );
  assert.equal(stats.find((x) => x.participantId === 'bob')?.framesDecoded, 3);
});
