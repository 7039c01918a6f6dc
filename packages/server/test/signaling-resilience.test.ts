import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessageOf } from '@conclave/protocol';
import type { MeetingRecord } from '../src/domain';
import { janusUnavailableReason } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

async function join(url: string, cookie: string, meetingId: string) {
  const client = await SignalClient.connect(url, { cookie });
  const joined = await client.request({ type: 'join', meetingId });
  assert.equal(joined.type, 'joined', JSON.stringify(joined));
  return { client, joined };
}

describe('signaling heartbeats and flood control', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  let meeting: MeetingRecord;

  before(async () => {
    server = await startSignalingServer({
      heartbeatMs: 100,
      reconnectGraceMs: 300,
      limits: { burst: 20, perSecond: 10, abuseThreshold: 200, abuseWindowMs: 10_000 },
    });
    meeting = server.directory.meeting('m-1', 'org-1', 'Stand-up');
    server.directory.user('alice', 'org-1', 'Alice');
    server.directory.user('bob', 'org-1', 'Bob');
    server.directory.user('mallory', 'org-1', 'Mallory');
  });
  after(async () => {
    await server?.stop();
  });

  test('MEET-RECONNECT: a socket that stops answering pings is ended, and its participant leaves once the reconnect grace is over', async () => {
    const { client: alice } = await join(server.url, 'alice', meeting.id);
    const silent = await SignalClient.connect(server.url, { cookie: 'bob', autoPong: false });
    const joined = (await silent.request({
      type: 'join',
      meetingId: meeting.id,
    })) as ServerMessageOf<'joined'>;
    await alice.next('participantJoined', (m) => m.participant.id === joined.participantId);
    const left = await alice.next('participantLeft', (m) => m.participantId === joined.participantId, 3_000);
    assert.equal(left.reason, 'disconnected');
    await silent.closed(3_000);
    // A client that answers pings is kept.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(alice.open, true);
    alice.close();
    await alice.closed();
  });

  test('sustained flooding closes only the flooding socket', async () => {
    const { client: alice } = await join(server.url, 'alice', meeting.id);
    const { client: mallory, joined } = await join(server.url, 'mallory', meeting.id);
    await alice.next('participantJoined', (m) => m.participant.id === joined.participantId);
    for (let i = 0; i < 400 && mallory.open; i++) mallory.send({ type: 'ping' });
    assert.equal(await mallory.closed(3_000), 1008);
    const limited = mallory.received.filter((m) => m.type === 'error' && m.code === 'rate_limited');
    assert.ok(limited.length >= 200, `${limited.length} rate_limited frames before closing`);
    const left = await alice.next('participantLeft', (m) => m.participantId === joined.participantId);
    assert.equal(left.reason, 'disconnected');
    assert.equal(alice.open, true);
    assert.equal((await alice.request({ type: 'ping' })).type, 'pong');
    alice.close();
    await alice.closed();
  });
});

describe('signaling when Janus dies', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  let meeting: MeetingRecord;

  before(async () => {
    server = await startSignalingServer();
    meeting = server.directory.meeting('m-1', 'org-1', 'Stand-up');
    server.directory.user('alice', 'org-1', 'Alice');
    server.directory.user('bob', 'org-1', 'Bob');
  });
  after(async () => {
    await server?.stop();
  });

  test('NET-FAILOVER: when Janus dies the meeting moves to the restarted one: same participants, told mediaMoved, publishing again', async () => {
    const { client: alice, joined: aliceJoined } = await join(server.url, 'alice', meeting.id);
    const { client: bob, joined: bobJoined } = await join(server.url, 'bob', meeting.id);
    const offer = {
      type: 'publish',
      sdp: syntheticPublishOffer(),
      tracks: [{ mid: '0', source: 'microphone' }],
    };
    assert.equal((await alice.request(offer)).type, 'publishAnswer');
    const before = server.rooms.room(meeting.id)?.janusRoomId;
    assert.ok(before);
    const pid = server.media.diagnostics().janusPid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    for (const client of [alice, bob]) await client.next('mediaMoved', () => true, 10_000);
    assert.notEqual(server.media.diagnostics().janusPid, pid, 'the supervisor restarted Janus');
    const room = server.rooms.room(meeting.id);
    assert.ok(room?.janusRoomId, 'the meeting has a media room again');
    assert.deepEqual(
      [...room.participants.keys()].sort(),
      [aliceJoined.participantId, bobJoined.participantId].sort(),
      'nobody left',
    );
    assert.ok(
      ![...alice.received, ...bob.received].some(
        (m) => m.type === 'participantLeft' || m.type === 'disconnected',
      ),
    );

    // Alice publishes again on the new media room; Bob is offered her stream afresh.
    bob.received.length = 0;
    assert.equal((await alice.request({ ...offer, sdp: syntheticPublishOffer() })).type, 'publishAnswer');
    await bob.next('participantUpdated', (m) => m.participant.id === aliceJoined.participantId);
    assert.equal(alice.open && bob.open, true);
    alice.close();
    bob.close();
  });

  test('when no media server takes the meeting in time, participants get disconnected(media_failure)', async () => {
    const { client: alice } = await join(server.url, 'alice', meeting.id);
    await server.media.stop();
    const bye = await alice.next('disconnected', () => true, 10_000);
    assert.equal(bye.reason, 'media_failure');
    assert.equal(await alice.closed(), 1011);
    assert.equal(server.rooms.room(meeting.id), undefined, 'the failed room is forgotten');
  });
});
