import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessage, ServerMessageOf } from '@conclave/protocol';
import { DomainEvents, type MeetingRecord } from '../src/domain';
import { janusUnavailableReason } from './media-support/janus';
import { publishSynthetic, syntheticPublishOffer } from './media-support/sdp';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;
/** Short, so that expiry is seen quickly; long enough for a resume on loopback. */
const GRACE_MS = 1_500;

function isJoined(m: ServerMessage): ServerMessageOf<'joined'> {
  assert.equal(m.type, 'joined', JSON.stringify(m));
  return m;
}

function refusal(m: ServerMessage): string | undefined {
  return m.type === 'error' ? m.code : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MEET-RECONNECT: a dropped connection keeps its seat for the grace', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  let meeting: MeetingRecord;
  const events = new DomainEvents();

  before(async () => {
    server = await startSignalingServer({ reconnectGraceMs: GRACE_MS, events });
    meeting = server.directory.meeting('m-1', 'org-1', 'Stand-up', false, 'user-alice');
    server.directory.user('alice', 'org-1', 'Alice');
    server.directory.user('bob', 'org-1', 'Bob');
    server.directory.user('mallory', 'org-1', 'Mallory');
  });
  after(async () => {
    await server?.stop();
  });

  async function enter(cookie: string) {
    const client = await SignalClient.connect(server.url, { cookie });
    const joined = isJoined(await client.request({ type: 'join', meetingId: meeting.id }));
    assert.ok(joined.resumeToken, 'a single node issues resume tokens too');
    return { client, joined };
  }

  const resumeAs = async (cookie: string, participantId: string, token: string) => {
    const client = await SignalClient.connect(server.url, { cookie });
    const reply = await client.request({
      type: 'join',
      meetingId: meeting.id,
      resume: { participantId, token },
    });
    return { client, reply };
  };

  test('MEET-RECONNECT: a dropped socket resumed within the grace keeps its participant id, gets what was sent meanwhile, and the others never see it leave', async () => {
    const { client: alice } = await enter('alice');
    const { client: bob, joined } = await enter('bob');
    await alice.next('participantJoined', (m) => m.participant.id === joined.participantId);
    bob.drop();
    await sleep(200);
    // Something happens while Bob is away: Alice publishes (the roster update is told by the resume).
    await publishSynthetic(alice);
    const { client: back, reply } = await resumeAs('bob', joined.participantId, joined.resumeToken!);
    const again = isJoined(reply);
    assert.equal(again.resumed, true);
    assert.equal(again.participantId, joined.participantId, 'the same participant');
    assert.ok(again.resumeToken && again.resumeToken !== joined.resumeToken, 'a fresh token for next time');
    const aliceNow = again.participants.find((p) => p.displayName === 'Alice');
    assert.equal(aliceNow?.tracks.length, 2, 'the roster as it is now, Alice’s tracks included');
    // Bob speaks through the new socket as the same participant.
    assert.equal((await back.request({ type: 'setMute', source: 'microphone', muted: true })).type, 'ack');
    await sleep(GRACE_MS + 300);
    assert.ok(
      !alice.received.some((m) => m.type === 'participantLeft'),
      'Alice never saw Bob leave, even after the grace',
    );
    const room = server.rooms.room(meeting.id)!;
    assert.ok(room.participants.has(joined.participantId), 'Bob is still in the room');
    assert.equal(room.participants.size, 2, 'and only once');
    // The old token served once.
    const { client: replay, reply: replayed } = await resumeAs(
      'bob',
      joined.participantId,
      joined.resumeToken!,
    );
    assert.equal(refusal(replayed), 'resume_failed', 'a token serves once');
    for (const c of [alice, back, replay]) c.close();
    await alice.closed();
  });

  test('MEET-RECONNECT: after the grace the others see the dropped participant leave, and its resume is refused', async () => {
    const { client: alice } = await enter('alice');
    const { client: bob, joined } = await enter('bob');
    await alice.next('participantJoined', (m) => m.participant.id === joined.participantId);
    const dropped = performance.now();
    bob.drop();
    const left = await alice.next('participantLeft', (m) => m.participantId === joined.participantId, 5_000);
    const heldFor = performance.now() - dropped;
    assert.equal(left.reason, 'disconnected');
    assert.ok(heldFor >= GRACE_MS - 100, `held for the grace (${heldFor} ms)`);
    const { client: late, reply } = await resumeAs('bob', joined.participantId, joined.resumeToken!);
    assert.equal(refusal(reply), 'resume_failed');
    for (const c of [alice, late]) c.close();
    await alice.closed();
  });

  test('MEET-RECONNECT: a resume by another person or with a wrong token is refused and changes nothing', async () => {
    const { client: alice } = await enter('alice');
    const { client: bob, joined } = await enter('bob');
    await alice.next('participantJoined', (m) => m.participant.id === joined.participantId);
    bob.drop();
    await sleep(100);
    const { client: mallory, reply: stolen } = await resumeAs(
      'mallory',
      joined.participantId,
      joined.resumeToken!,
    );
    assert.equal(refusal(stolen), 'resume_failed', 'Mallory cannot take Bob’s place with his token');
    const { client: guesser, reply: guessed } = await resumeAs('bob', joined.participantId, 'x'.repeat(32));
    assert.equal(refusal(guessed), 'resume_failed', 'a guessed token is refused');
    assert.equal(mallory.open && guesser.open, true, 'a refusal is an error frame, not a closed socket');
    assert.ok(!alice.received.some((m) => m.type === 'participantLeft' || m.type === 'participantJoined'));
    // Bob himself still can: nothing was used up by the refusals.
    const { client: back, reply } = await resumeAs('bob', joined.participantId, joined.resumeToken!);
    assert.equal(isJoined(reply).participantId, joined.participantId);
    for (const c of [alice, mallory, guesser, back]) c.close();
    await alice.closed();
  });

  test('MEET-RECONNECT, MEET-MOD-REMOVE: a participant removed while away, or before, cannot resume', async () => {
    const { client: alice } = await enter('alice');
    const { client: bob, joined: bobJoined } = await enter('bob');
    const { client: mallory, joined: malloryJoined } = await enter('mallory');
    await alice.next('participantJoined', (m) => m.participant.id === malloryJoined.participantId);
    // Mallory is removed while connected, then tries to come back with her token.
    assert.equal(
      (await alice.request({ type: 'removeParticipants', participantIds: [malloryJoined.participantId] }))
        .type,
      'ack',
    );
    assert.equal((await mallory.next('disconnected')).reason, 'removed');
    const { client: m2, reply: mReply } = await resumeAs(
      'mallory',
      malloryJoined.participantId,
      malloryJoined.resumeToken!,
    );
    assert.equal(refusal(mReply), 'resume_failed', 'removed: her token is worth nothing');
    // Bob drops, and is removed while held: he leaves at once, and cannot resume.
    bob.drop();
    await sleep(100);
    assert.equal(
      (await alice.request({ type: 'removeParticipants', participantIds: [bobJoined.participantId] })).type,
      'ack',
    );
    const left = await alice.next('participantLeft', (m) => m.participantId === bobJoined.participantId, 500);
    assert.equal(left.reason, 'removed');
    const { client: b2, reply: bReply } = await resumeAs(
      'bob',
      bobJoined.participantId,
      bobJoined.resumeToken!,
    );
    assert.equal(refusal(bReply), 'resume_failed');
    for (const c of [alice, m2, b2]) c.close();
    await alice.closed();
  });

  test('MEET-RECONNECT: a socket closed on purpose leaves at once; a sign-out ends a held participation at once', async () => {
    const { client: alice } = await enter('alice');
    const { client: bob, joined: bobJoined } = await enter('bob');
    await alice.next('participantJoined', (m) => m.participant.id === bobJoined.participantId);
    bob.ws.close(1001);
    const gone = await alice.next('participantLeft', (m) => m.participantId === bobJoined.participantId, 500);
    assert.equal(gone.reason, 'disconnected');

    const { client: bob2, joined: again } = await enter('bob');
    await alice.next('participantJoined', (m) => m.participant.id === again.participantId);
    bob2.drop();
    await sleep(100);
    events.publish('sessionEnded', 'session-bob');
    const signedOut = await alice.next(
      'participantLeft',
      (m) => m.participantId === again.participantId,
      500,
    );
    assert.equal(signedOut.reason, 'disconnected');
    alice.close();
    await alice.closed();
  });

  test('MEET-RECONNECT: a resume while the old socket still looks open (it went without a word) takes the participation over; the old one is told it was replaced', async () => {
    const { client: alice } = await enter('alice');
    const { client: bob, joined } = await enter('bob');
    await alice.next('participantJoined', (m) => m.participant.id === joined.participantId);
    const { client: back, reply } = await resumeAs('bob', joined.participantId, joined.resumeToken!);
    assert.equal(isJoined(reply).participantId, joined.participantId);
    assert.equal((await bob.next('disconnected')).reason, 'replaced');
    const stale = await bob.closed();
    assert.equal(stale, 1000);
    await sleep(200);
    assert.ok(!alice.received.some((m) => m.type === 'participantLeft'), 'nobody left');
    assert.equal((await back.request({ type: 'ping' })).type, 'pong');
    for (const c of [alice, back]) c.close();
    await alice.closed();
  });

  test('MEET-RECONNECT: ICE restarts go to the participant’s own connections only, bounded', async () => {
    const { client: alice } = await enter('alice');
    const stranger = await SignalClient.connect(server.url, { cookie: 'mallory' });
    const notJoined = await stranger.request({ type: 'restartPublisherIce', sdp: syntheticPublishOffer() });
    assert.equal(refusal(notJoined), 'not_joined');
    const nothing = await alice.request({ type: 'restartPublisherIce', sdp: syntheticPublishOffer() });
    assert.equal(refusal(nothing), 'invalid_state', 'nothing published yet');
    const noSubscription = await alice.request({ type: 'restartSubscriberIce' });
    assert.equal(refusal(noSubscription), 'invalid_state', 'nothing subscribed yet');

    await publishSynthetic(alice);
    const restarted = await alice.request({ type: 'restartPublisherIce', sdp: syntheticPublishOffer() });
    assert.equal(restarted.type, 'publishAnswer', JSON.stringify(restarted));
    const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
    assert.ok(
      restarted.type === 'publishAnswer' && ufrag(restarted.sdp),
      'Janus answers with its credentials',
    );
    const mismatched = await alice.request({
      type: 'restartPublisherIce',
      sdp: syntheticPublishOffer({ audioMid: 'a', videoMid: 'v' }),
    });
    assert.equal(refusal(mismatched), 'validation_failed', 'a restart keeps the published sections');
    let limited: string | undefined;
    for (let i = 0; i < 32 && limited === undefined; i++) {
      const r = await alice.request({ type: 'restartPublisherIce', sdp: syntheticPublishOffer() });
      limited = refusal(r) === 'rate_limited' ? 'rate_limited' : undefined;
    }
    assert.equal(limited, 'rate_limited', 'restarts are bounded per minute');
    for (const c of [alice, stranger]) c.close();
    await alice.closed();
  });
});
