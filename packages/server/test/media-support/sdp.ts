import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { SignalClient } from './signaling-harness';

/**
 * A sendonly offer shaped like a browser's (Opus on mid 0, VP8 on mid 1, and a second VP8 section
 * for a shared screen when `screenMid` is given), enough for Janus to negotiate and answer. It
 * cannot carry media: tests that need media use a real browser.
 */
export function syntheticPublishOffer(
  options: { audioMid?: string; videoMid?: string; screenMid?: string } = {},
): string {
  const audioMid = options.audioMid ?? '0';
  const videoMid = options.videoMid ?? '1';
  const screenMid = options.screenMid;
  const ufrag = randomBytes(4).toString('hex');
  const pwd = randomBytes(12).toString('hex');
  const fingerprint = [...randomBytes(32)]
    .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
    .join(':');
  const common = [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
  ];
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${audioMid} ${videoMid}${screenMid === undefined ? '' : ` ${screenMid}`}`,
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...common,
    `a=mid:${audioMid}`,
    'a=sendonly',
    'a=msid:stream audio0',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1111 cname:test',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    ...common,
    `a=mid:${videoMid}`,
    'a=sendonly',
    'a=msid:stream video0',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=ssrc:2222 cname:test',
    ...(screenMid === undefined
      ? []
      : [
          'm=video 9 UDP/TLS/RTP/SAVPF 96',
          ...common,
          `a=mid:${screenMid}`,
          'a=sendonly',
          'a=msid:stream video1',
          'a=rtcp-mux',
          'a=rtcp-rsize',
          'a=rtpmap:96 VP8/90000',
          'a=rtcp-fb:96 nack',
          'a=rtcp-fb:96 nack pli',
          'a=ssrc:3333 cname:test',
        ]),
    '',
  ].join('\r\n');
}

/** Publishes a microphone and a camera on a synthetic offer: Janus answers, no media flows. */
export async function publishSynthetic(client: SignalClient): Promise<void> {
  const reply = await client.request({
    type: 'publish',
    sdp: syntheticPublishOffer(),
    tracks: [
      { mid: '0', source: 'microphone' },
      { mid: '1', source: 'camera' },
    ],
  });
  assert.equal(reply.type, 'publishAnswer', JSON.stringify(reply));
}
