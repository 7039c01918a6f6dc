import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_VIDEO_LAYER_REQUESTS, MAX_VIEW_VIDEO } from '@conclave/protocol';
import type { MeetingRecord } from '../src/domain';
import type { SubscribedStream } from '../src/media/subscribed-streams';
import { checkLayerChoices } from '../src/rooms/video-layers';
import { janusUnavailableReason } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

describe('MEET-QUALITY: layer choices are checked against the sender’s own subscription', () => {
  const streams: SubscribedStream[] = [
    { mid: '0', type: 'audio', feed: 11, feedMid: '0' },
    { mid: '1', type: 'video', feed: 11, feedMid: '1' },
    { mid: '2', type: 'video', feed: 12, feedMid: '1' },
  ];

  test('MEET-QUALITY: video sections the subscription has are passed on as asked', () => {
    assert.deepEqual(
      checkLayerChoices(
        [
          { mid: '1', substream: 0, temporal: 2 },
          { mid: '2', substream: 2, temporal: 0 },
        ],
        streams,
      ),
      [
        { mid: '1', substream: 0, temporal: 2 },
        { mid: '2', substream: 2, temporal: 0 },
      ],
    );
  });

  test('MEET-QUALITY: a mid it does not have, an audio mid, or a mid twice is refused whole', () => {
    const refused = (layers: Array<{ mid: string; substream: number; temporal: number }>) => {
      try {
        checkLayerChoices(layers, streams);
      } catch (err) {
        const e = err as { code: string; field?: string };
        return [e.code, e.field];
      }
      return null;
    };
    assert.deepEqual(refused([{ mid: '9', substream: 0, temporal: 2 }]), ['unknown_stream', 'layers.0.mid']);
    assert.deepEqual(
      refused([
        { mid: '1', substream: 0, temporal: 2 },
        { mid: '0', substream: 0, temporal: 2 },
      ]),
      ['unknown_stream', 'layers.1.mid'],
    );
    assert.deepEqual(
      refused([
        { mid: '1', substream: 0, temporal: 2 },
        { mid: '1', substream: 1, temporal: 2 },
      ]),
      ['validation_failed', 'layers.1.mid'],
    );
  });
});

describe('MEET-QUALITY, MEET-SHARE over a real WebSocket, with a real Janus', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  let meeting: MeetingRecord;
  const clients: SignalClient[] = [];

  const joinAs = async (cookie: string) => {
    const client = await SignalClient.connect(server.url, { cookie });
    clients.push(client);
    const joined = await client.request({ type: 'join', meetingId: meeting.id });
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    return { client, id: joined.type === 'joined' ? joined.participantId : '' };
  };
  const codeOf = (reply: { type: string; code?: string }) =>
    reply.type === 'error' ? reply.code : reply.type;

  before(async () => {
    server = await startSignalingServer();
    meeting = server.directory.meeting('m-q', 'org-1', 'Quality');
    server.directory.user('alice', 'org-1', 'Alice');
    server.directory.user('bob', 'org-1', 'Bob');
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await server?.stop();
  });

  test('MEET-QUALITY: setVideoLayers is refused before joining, without a subscription, and when malformed', async () => {
    const stranger = await SignalClient.connect(server.url, { cookie: 'alice' });
    clients.push(stranger);
    const layers = [{ mid: '1', substream: 0, temporal: 2 }];
    assert.equal(codeOf(await stranger.request({ type: 'setVideoLayers', layers })), 'not_joined');
    stranger.close();

    const { client: alice } = await joinAs('alice');
    // Alone in the meeting: nothing is received, so there is nothing to choose layers of.
    assert.equal(codeOf(await alice.request({ type: 'setVideoLayers', layers })), 'invalid_state');
    const malformed = [
      [{ mid: '1', substream: 3, temporal: 2 }],
      [{ mid: '1', substream: 0, temporal: -1 }],
      [{ mid: '1', substream: 0.5, temporal: 2 }],
      [],
      Array.from({ length: MAX_VIDEO_LAYER_REQUESTS + 1 }, (_, i) => ({
        mid: `${i}`,
        substream: 0,
        temporal: 2,
      })),
    ];
    for (const bad of malformed) {
      assert.equal(
        codeOf(await alice.request({ type: 'setVideoLayers', layers: bad })),
        'validation_failed',
        JSON.stringify(bad).slice(0, 80),
      );
    }
    assert.equal((await alice.request({ type: 'ping' })).type, 'pong', 'the socket stays usable');
    alice.close();
    await alice.closed();
  });

  test('MEET-QUALITY: setView is refused before joining, with a video twice or too many, and ignores people not here', async () => {
    const stranger = await SignalClient.connect(server.url, { cookie: 'alice' });
    clients.push(stranger);
    const video = [{ participantId: 'p-nobody', source: 'camera' }];
    assert.equal(codeOf(await stranger.request({ type: 'setView', video })), 'not_joined');
    stranger.close();

    const { client: alice, id } = await joinAs('alice');
    const { client: bob, id: bobId } = await joinAs('bob');
    // Nobody by that id, and oneself: nothing to receive, and no error (they may just have left).
    assert.equal(
      codeOf(
        await alice.request({
          type: 'setView',
          video: [
            ...video,
            { participantId: id, source: 'camera' },
            { participantId: bobId, source: 'screen' },
          ],
        }),
      ),
      'ack',
    );
    const twice = [
      { participantId: bobId, source: 'camera' },
      { participantId: bobId, source: 'camera', substream: 0 },
    ];
    const refused = await alice.request({ type: 'setView', video: twice });
    assert.equal(codeOf(refused), 'validation_failed');
    assert.equal(refused.type === 'error' ? refused.field : null, 'video.1');
    const tooMany = Array.from({ length: MAX_VIEW_VIDEO + 1 }, () => ({
      participantId: bobId,
      source: 'camera',
    }));
    for (const bad of [
      tooMany,
      [{ participantId: bobId, source: 'microphone' }],
      [{ participantId: bobId, source: 'camera', substream: 3 }],
      [{ participantId: '../x', source: 'camera' }],
    ]) {
      assert.equal(
        codeOf(await alice.request({ type: 'setView', video: bad })),
        'validation_failed',
        JSON.stringify(bad).slice(0, 80),
      );
    }
    assert.equal((await alice.request({ type: 'ping' })).type, 'pong', 'the socket stays usable');
    for (const c of [alice, bob]) c.close();
    await Promise.all([alice.closed(), bob.closed()]);
  });

  test('MEET-SHARE: a screen section is published as source screen; stopping it (muted) takes it off the roster', async () => {
    const { client: alice, id } = await joinAs('alice');
    const { client: bob } = await joinAs('bob');
    const wrongKind = await alice.request({
      type: 'publish',
      sdp: syntheticPublishOffer({ screenMid: '2' }),
      tracks: [{ mid: '0', source: 'screen' }],
    });
    assert.equal(codeOf(wrongKind), 'validation_failed', 'a screen needs a video section');
    const answer = await alice.request({
      type: 'publish',
      sdp: syntheticPublishOffer({ screenMid: '2' }),
      tracks: [
        { mid: '0', source: 'microphone' },
        { mid: '1', source: 'camera' },
        { mid: '2', source: 'screen' },
      ],
    });
    assert.equal(answer.type, 'publishAnswer', JSON.stringify(answer));
    const shared = await bob.next('participantUpdated', (m) => m.participant.id === id);
    assert.deepEqual(shared.participant.tracks, [
      { source: 'microphone', muted: false },
      { source: 'camera', muted: false },
      { source: 'screen', muted: false },
    ]);
    assert.equal((await alice.request({ type: 'setMute', source: 'screen', muted: true })).type, 'ack');
    const stopped = await bob.next('participantUpdated', (m) => m.participant.id === id);
    assert.deepEqual(stopped.participant.tracks, [
      { source: 'microphone', muted: false },
      { source: 'camera', muted: false },
    ]);
    assert.equal((await alice.request({ type: 'setMute', source: 'screen', muted: false })).type, 'ack');
    const again = await bob.next('participantUpdated', (m) => m.participant.id === id);
    assert.deepEqual(
      again.participant.tracks.map((t) => t.source),
      ['microphone', 'camera', 'screen'],
    );
    alice.close();
    bob.close();
    await Promise.all([alice.closed(), bob.closed()]);
  });
});
