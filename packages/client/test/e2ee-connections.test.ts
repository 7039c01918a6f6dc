/// <reference types="node" />
// E2EE-FRAME: the SDK's connections in an E2EE call hand every sender and receiver to E2eeMedia
// before any media can flow, with fake WebRTC (no RTCRtpScriptTransform here, so the connections are
// made for the createEncodedStreams fallback).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientMessage, TrackSource } from '@conclave/protocol';
import type { E2eeMedia } from '../src/e2ee/media';
import { preparePublisherConnection, Publisher } from '../src/publisher';
import type { SignalingClient } from '../src/signaling';
import { Subscriber } from '../src/subscriber';
import { fakeTrack, FakePeerConnection, installFakeWebRtc, toySdp } from './support/fake-webrtc';

/** Answers publish requests with the offer itself; acknowledges everything else. */
function fakeSignaling(): SignalingClient {
  return {
    request: (m: ClientMessage) => Promise.resolve(m.type === 'publish' ? { sdp: m.sdp } : {}),
    send: () => {},
  } as unknown as SignalingClient;
}

/** Records each protection, with how many media sections the local description had by then. */
class RecordingProtector implements Pick<E2eeMedia, 'protectSender' | 'protectReceiver'> {
  readonly log: string[] = [];
  private readonly seen = new Set<unknown>();
  constructor(private readonly pc: () => FakePeerConnection | undefined) {}

  protectSender(sender: RTCRtpSender, source: TrackSource): void {
    this.record(sender, `send ${source} track=${sender.track?.kind ?? 'none'}`);
  }
  protectReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video'): void {
    this.record(receiver, `receive ${kind}`);
  }
  private record(endpoint: unknown, what: string): void {
    if (this.seen.has(endpoint)) return;
    this.seen.add(endpoint);
    const sections = this.pc()?.localDescription?.sdp?.match(/a=mid:/g)?.length ?? 0;
    this.log.push(`${what} (sections described: ${sections})`);
  }
}

const last = () => FakePeerConnection.created.at(-1);
const tracks = () => ({ microphone: fakeTrack('audio'), camera: fakeTrack('video'), screen: null });

/** A connection's recovery events, ignored. */
const NO_RELAYS = { servers: [], relayOnly: false };
const quiet = { onInterrupted: () => {}, onFailed: () => {}, onRestart: () => {} };

describe('E2EE connections', () => {
  let restore: () => void;
  before(() => (restore = installFakeWebRtc()));
  after(() => restore());

  test('E2EE-FRAME: the publisher protects both senders before it offers anything', async () => {
    const protector = new RecordingProtector(last);
    const publisher = new Publisher(fakeSignaling(), NO_RELAYS, quiet, undefined, protector);
    await publisher.start(tracks());
    assert.deepEqual(protector.log, [
      'send microphone track=audio (sections described: 0)',
      'send camera track=video (sections described: 0)',
    ]);
    assert.equal(last()?.configuration.bundlePolicy, 'max-bundle');
    assert.equal(
      (last()?.configuration as { encodedInsertableStreams?: boolean }).encodedInsertableStreams,
      true,
    );
    publisher.close();
  });

  test('E2EE-FRAME: a prepared publisher connection keeps its E2EE settings and its senders are protected before their tracks', async () => {
    const prepared = preparePublisherConnection({ encodedInsertableStreams: true });
    const fake = last()!;
    const protector = new RecordingProtector(() => fake);
    const publisher = new Publisher(
      fakeSignaling(),
      { servers: [{ urls: ['turn:turn.example:3478'], username: 'u', credential: 'c' }], relayOnly: false },
      quiet,
      prepared,
      protector,
    );
    await publisher.start(tracks());
    assert.deepEqual(protector.log, [
      'send microphone track=none (sections described: 0)',
      'send camera track=none (sections described: 0)',
    ]);
    assert.equal(
      (fake.configuration as { encodedInsertableStreams?: boolean }).encodedInsertableStreams,
      true,
    );
    assert.equal(fake.configuration.iceServers?.length, 1);
    publisher.close();
  });

  test('E2EE-FRAME: without E2EE, connections are made as before: no encoded-streams switch', async () => {
    const publisher = new Publisher(fakeSignaling(), NO_RELAYS, quiet);
    await publisher.start(tracks());
    assert.equal('encodedInsertableStreams' in last()!.configuration, false);
    publisher.close();
  });

  test('E2EE-FRAME: the subscriber protects each new receiver once, before its answer', async () => {
    const protector = new RecordingProtector(last);
    const subscriber = new Subscriber(
      fakeSignaling(),
      NO_RELAYS,
      { ...quiet, onStreams: () => {}, onError: (e) => assert.fail(e) },
      undefined,
      protector,
    );
    const fake = last()!;
    const a = { mid: '0', kind: 'audio' as const };
    const v = { mid: '1', kind: 'video' as const };
    await subscriber.handleOffer(toySdp([a]), []);
    assert.deepEqual(protector.log, ['receive audio (sections described: 0)']);
    await subscriber.handleOffer(toySdp([a, v]), []);
    // The video receiver is protected while the answer still describes only the audio section.
    assert.deepEqual(protector.log, [
      'receive audio (sections described: 0)',
      'receive video (sections described: 1)',
    ]);
    assert.equal(
      (fake.configuration as { encodedInsertableStreams?: boolean }).encodedInsertableStreams,
      true,
    );
    subscriber.close();
  });
});
