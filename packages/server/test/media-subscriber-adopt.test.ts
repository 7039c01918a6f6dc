import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { JanusHandle, Jsep, PluginReply } from '../src/media/janus-client';
import { Subscriber } from '../src/media/subscriber';
import type { VideoRoom } from '../src/media/videoroom';

/** A handle that records what is asked of it and answers an `update` with a new offer. */
class RecordingHandle extends EventEmitter {
  readonly id = 7;
  readonly sent: Array<{ request: unknown; jsep?: Jsep }> = [];

  detach(): Promise<void> {
    return Promise.resolve();
  }

  send(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    this.sent.push({ request: body.request, ...(jsep && { jsep }) });
    if (body.request !== 'update') return Promise.resolve({ data: {} });
    return Promise.resolve({
      data: {
        streams: [
          { mid: '0', type: 'video', feed_id: 1, feed_mid: 'v', active: true },
          { mid: '1', type: 'video', feed_id: 2, feed_mid: 'v', active: true },
        ],
      },
      jsep: { type: 'offer', sdp: 'offer 2' },
    });
  }
}

test('NET-SCALE: a subscription taken over while its client had an offer to answer renegotiates nothing until that answer comes, then catches up', async () => {
  const handle = new RecordingHandle();
  const subscriber = new Subscriber(
    { id: 1 } as VideoRoom,
    {},
    {
      handle: handle as unknown as JanusHandle,
      streams: [{ mid: '0', type: 'video', feed: 1, feedMid: 'v' }],
      offer: 'offer 1',
    },
  );
  assert.equal(subscriber.pendingOffer, 'offer 1', 'the offer to send the resumed client again');
  assert.equal(subscriber.state()?.offer, 'offer 1', 'and to keep for the next node');
  const offers: string[] = [];
  subscriber.on('offer', (o) => offers.push(o.sdp));

  subscriber.setStreams([
    { feed: 1, mid: 'v' },
    { feed: 2, mid: 'v' },
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(handle.sent.length, 0, 'Janus waits for the answer: no update before it');

  await subscriber.answer('answer 1');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    handle.sent.map((s) => s.request),
    ['start', 'update'],
    'the answer first, then the change that waited',
  );
  assert.deepEqual(offers, ['offer 2']);
  assert.equal(subscriber.state()?.offer, 'offer 2', 'the new offer is the one now waiting');
  await subscriber.close();
});
