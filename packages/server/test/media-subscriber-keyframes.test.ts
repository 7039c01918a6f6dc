import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { JanusHandle, Jsep, PluginReply } from '../src/media/janus-client';
import { Subscriber } from '../src/media/subscriber';
import type { VideoRoom } from '../src/media/videoroom';

type Stream = { mid: string; type: string; feed_id: number; feed_mid: string; active: boolean };

/** A handle that records every request and answers an `update` with the streams it is given. */
class RecordingHandle extends EventEmitter {
  readonly id = 7;
  readonly sent: Array<Record<string, unknown>> = [];

  constructor(private readonly afterUpdate: Stream[]) {
    super();
  }

  detach(): Promise<void> {
    return Promise.resolve();
  }

  send(body: Record<string, unknown>, _jsep?: Jsep): Promise<PluginReply> {
    this.sent.push(body);
    if (body.request !== 'update') return Promise.resolve({ data: {} });
    return Promise.resolve({ data: { streams: this.afterUpdate }, jsep: { type: 'offer', sdp: 'offer' } });
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A subscription already carrying feed 1's video on mid 0, its offer answered long ago. */
function subscription(afterUpdate: Stream[]) {
  const handle = new RecordingHandle(afterUpdate);
  const subscriber = new Subscriber(
    { id: 1 } as VideoRoom,
    {},
    {
      handle: handle as unknown as JanusHandle,
      streams: [{ mid: '0', type: 'video', feed: 1, feedMid: 'v' }],
    },
  );
  return { handle, subscriber };
}

test('MEET-QUALITY: the videos an update adds are asked for a key frame once the client has answered, and only they', async () => {
  const { handle, subscriber } = subscription([
    { mid: '0', type: 'video', feed_id: 1, feed_mid: 'v', active: true },
    { mid: '1', type: 'video', feed_id: 2, feed_mid: 'v', active: true },
    { mid: '2', type: 'audio', feed_id: 2, feed_mid: 'a', active: true },
    { mid: '3', type: 'video', feed_id: 3, feed_mid: 'v', active: true },
  ]);
  subscriber.setStreams([
    { feed: 1, mid: 'v' },
    { feed: 2, mid: 'v' },
    { feed: 2, mid: 'a' },
    { feed: 3, mid: 'v' },
  ]);
  await settle();
  assert.deepEqual(
    handle.sent.map((b) => b.request),
    ['update'],
    'nothing is asked of the publishers before the client has the new media sections',
  );
  await subscriber.answer('answer');
  await settle();
  assert.deepEqual(
    handle.sent.map((b) => b.request),
    ['update', 'start', 'configure'],
  );
  assert.deepEqual(handle.sent[2], {
    request: 'configure',
    streams: [
      { mid: '1', send: true },
      { mid: '3', send: true },
    ],
  });
  await subscriber.close();
});

test('MEET-QUALITY: an update that adds only audio asks for no key frame', async () => {
  const { handle, subscriber } = subscription([
    { mid: '0', type: 'video', feed_id: 1, feed_mid: 'v', active: true },
    { mid: '1', type: 'audio', feed_id: 2, feed_mid: 'a', active: true },
  ]);
  subscriber.setStreams([
    { feed: 1, mid: 'v' },
    { feed: 2, mid: 'a' },
  ]);
  await settle();
  await subscriber.answer('answer');
  await settle();
  assert.deepEqual(
    handle.sent.map((b) => b.request),
    ['update', 'start'],
  );
  await subscriber.close();
});
