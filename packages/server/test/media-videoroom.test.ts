import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJanusError, JanusClient, VideoRoomErrorCode, type JanusSession } from '../src/media/janus-client';
import { InvalidStateError } from '../src/media/subscriber';
import { VideoRoom } from '../src/media/videoroom';
import { janusUnavailableReason, startTestJanus, waitFor } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';

const skip = janusUnavailableReason() ?? false;

describe('VideoRoom API on a real Janus (signalling only; media needs a browser)', { skip }, () => {
  let janus: Awaited<ReturnType<typeof startTestJanus>>;
  let client: JanusClient;
  let session: JanusSession;
  let room: VideoRoom;

  before(async () => {
    janus = await startTestJanus();
    client = await JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });
    session = await client.createSession();
    room = await VideoRoom.create(session, { adminKey: janus.endpoint.adminKey, description: 'test' });
  });
  after(async () => {
    await room?.destroy();
    client?.close();
    await janus?.stop();
  });

  test('a publisher publishes an offer with one description per mid and gets a recvonly answer', async () => {
    const publisher = await room.joinAsPublisher({ display: 'Alice' });
    const result = await publisher.publish(syntheticPublishOffer({ audioMid: 'a', videoMid: 'v' }), [
      { mid: 'a', description: 'microphone' },
      { mid: 'v', description: 'camera' },
    ]);
    assert.match(result.sdp, /^v=0/);
    assert.match(result.sdp, /a=mid:a\r\n/);
    assert.match(result.sdp, /a=mid:v\r\n/);
    assert.equal((result.sdp.match(/a=recvonly/g) ?? []).length, 2);
    assert.deepEqual(
      result.streams.map((s) => [s.mid, s.type, s.description]),
      [
        ['a', 'audio', 'microphone'],
        ['v', 'video', 'camera'],
      ],
    );
    assert.equal(publisher.active, false, 'not active until its PeerConnection is up');
    await publisher.close();
  });

  test('configure send=false/true addresses a published mid; an unknown mid is refused', async () => {
    const publisher = await room.joinAsPublisher({ display: 'Bob' });
    await publisher.publish(syntheticPublishOffer(), [
      { mid: '0', description: 'microphone' },
      { mid: '1', description: 'camera' },
    ]);
    await publisher.setSend('0', false);
    await publisher.setSend('0', true);
    await assert.rejects(publisher.setSend('nope', false), (err) => isJanusError(err, 'plugin'));
    await publisher.close();
  });

  test('a refused publish closes the publisher; its handle is never reused', async () => {
    const publisher = await room.joinAsPublisher({ display: 'Carol' });
    const closed = waitFor<string>((r) => publisher.once('closed', r), 2_000, 'closed');
    await assert.rejects(
      publisher.publish('v=0\r\nthis is not sdp\r\n', [{ mid: '0', description: 'microphone' }]),
      (err) => isJanusError(err),
    );
    await closed;
    assert.equal(publisher.closed, true);
    await assert.rejects(publisher.publish(syntheticPublishOffer(), []), (err) =>
      isJanusError(err, 'closed'),
    );
    // A fresh publisher works.
    const again = await room.joinAsPublisher({ display: 'Carol' });
    assert.notEqual(again.feedId, publisher.feedId);
    await again.publish(syntheticPublishOffer(), []);
    await again.close();
  });

  test('subscribing to a feed whose PeerConnection is not up is refused and dropped (428)', async () => {
    const publisher = await room.joinAsPublisher({ display: 'Dave' });
    await publisher.publish(syntheticPublishOffer(), []);
    const subscriber = room.createSubscriber();
    const error = waitFor<Error>((r) => subscriber.once('error', r), 2_000, 'error');
    subscriber.setStreams([{ feed: publisher.feedId, mid: '0' }]);
    const err = await error;
    assert.ok(isJanusError(err, 'plugin', VideoRoomErrorCode.noSuchFeed), String(err));
    assert.deepEqual(subscriber.streams, []);
    await assert.rejects(subscriber.answer('v=0\r\n'), InvalidStateError);
    await subscriber.close();
    await publisher.close();
  });

  test('E2EE-OPTIN: a room that requires E2EE refuses an offer not marked encrypted, and answers one that is', async () => {
    const secret = await VideoRoom.create(session, { adminKey: janus.endpoint.adminKey, requireE2ee: true });
    try {
      const descriptions = [{ mid: '0', description: 'microphone' }];
      const clear = await secret.joinAsPublisher({ display: 'Eve' });
      await assert.rejects(
        clear.publish(syntheticPublishOffer(), descriptions),
        (err) => isJanusError(err, 'plugin') && /requires end-to-end encrypted media/.test(err.message),
      );
      const encrypted = await secret.joinAsPublisher({ display: 'Erin' });
      const result = await encrypted.publish(syntheticPublishOffer(), descriptions, { e2ee: true });
      assert.match(result.sdp, /^v=0/);
      await encrypted.close();
    } finally {
      await secret.destroy();
    }
  });

  test('two rooms get different ids; destroying one leaves the other', async () => {
    const other = await VideoRoom.create(session, { adminKey: janus.endpoint.adminKey });
    assert.notEqual(other.id, room.id);
    await other.destroy();
    assert.equal(await room.exists(), true);
  });
});
