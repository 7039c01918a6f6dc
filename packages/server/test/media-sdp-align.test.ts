import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignFormatParameters } from '../src/media/sdp';

const offer = [
  'v=0',
  'o=- 1 2 IN IP4 0.0.0.0',
  's=VideoRoom 1',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 useinbandfec=1',
  // The m-line of someone who left: Janus writes it without the parameters.
  'm=audio 0 UDP/TLS/RTP/SAVPF 111',
  'a=mid:1',
  'a=inactive',
  'a=rtpmap:111 opus/48000/2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'a=mid:2',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  '',
].join('\r\n');

test('MEET-QUALITY: an inactive m-line gets the parameters its payload type has elsewhere in the offer (no codec collision)', () => {
  const aligned = alignFormatParameters(offer);
  const sections = aligned.split('\r\nm=');
  assert.match(sections[2]!, /a=rtpmap:111 opus\/48000\/2\r\na=fmtp:111 useinbandfec=1$/);
  assert.equal(aligned.match(/a=fmtp:111 /g)?.length, 2);
  assert.equal(aligned.match(/a=fmtp:97 /g)?.length, 1, 'a section that has its own keeps it');
  assert.ok(aligned.endsWith('a=fmtp:97 apt=96\r\n'), 'still ends with one line break');
  assert.equal(alignFormatParameters(aligned), aligned, 'aligning again changes nothing');
});

test('MEET-QUALITY: an offer whose sections all agree is left as it is', () => {
  const agreeing = offer.replace(
    'a=rtpmap:111 opus/48000/2\r\nm=video',
    'a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\nm=video',
  );
  assert.equal(alignFormatParameters(agreeing), agreeing);
});
