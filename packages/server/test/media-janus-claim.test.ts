import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JanusClient } from '../src/media/janus-client';
import { VideoRoom } from '../src/media/videoroom';
import { janusUnavailableReason, startTestJanus } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';

const skip = janusUnavailableReason() ?? false;

let janus: Awaited<ReturnType<typeof startTestJanus>>;
before(async () => {
  if (skip === false) janus = await startTestJanus();
});
after(() => janus?.stop());

const connect = () => JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });

test(
  'NET-SCALE: a Janus session outlives the connection of the node that made it; another connection claims it and carries on with its room and publisher',
  { skip },
  async () => {
    const dying = await connect();
    const session = await dying.createSession();
    const room = await VideoRoom.create(session, { adminKey: janus.endpoint.adminKey });
    const publisher = await room.joinAsPublisher({ display: 'Ada' });
    await publisher.publish(syntheticPublishOffer({ audioMid: 'a', videoMid: 'v' }), [
      { mid: 'a', description: 'microphone' },
      { mid: 'v', description: 'camera' },
    ]);
    const state = { session: session.id, room: room.state(), publisher: publisher.state() };
    dying.close(); // the node dies: its API connection goes

    const taking = await connect();
    try {
      const claimed = await taking.claimSession(state.session);
      const adopted = VideoRoom.adopt(claimed, state.room);
      assert.equal(
        await adopted.exists(),
        true,
        'the room is still there, reached through the claimed session',
      );
      const again = adopted.adoptPublisher(state.publisher);
      assert.deepEqual(
        again.streams.map((s) => s.mid),
        ['a', 'v'],
        'the publisher as it was published',
      );
      // The old handle answers on the new connection: it is the same publisher in Janus.
      await again.setSend('v', false);
      await again.setSend('v', true);
      await adopted.destroy();
      assert.equal(
        await VideoRoom.exists(await claimed.attach(), state.room.id),
        false,
        'and it can be destroyed from there',
      );
      await claimed.destroy();
    } finally {
      taking.close();
    }
  },
);

test('NET-SCALE: a session nobody made cannot be claimed', { skip }, async () => {
  const client = await connect();
  try {
    await assert.rejects(client.claimSession(424242), /claim/);
  } finally {
    client.close();
  }
});
