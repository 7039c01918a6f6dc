import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ServerMessage } from '@conclave/protocol';
import { EgressTokens } from '../src/recording/capture/egress-tokens';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { publishSynthetic, syntheticPublishOffer } from './media-support/sdp';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Joined {
  s: SignalClient;
  id: string;
}

/**
 * The recorder the server launches for a recording or live stream (REC-START, STREAM-LIVE), over the
 * real signaling and a real Janus: it joins by the token it was started with, hears and sees
 * everyone, is seen by nobody, and may do nothing but receive.
 */
describe('a recorder in a meeting', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  const tokens = new EgressTokens();
  let organisationId: string;
  let bob: TestClient;
  let carol: TestClient;
  let dave: TestClient;
  let eve: TestClient;

  const enter = async (who: TestClient, meetingId: string): Promise<Joined> => {
    const s = await app.socketOf(who);
    const reply = await s.request({ type: 'join', meetingId });
    assert.equal(reply.type, 'joined', JSON.stringify(reply));
    return { s, id: reply.participantId };
  };
  const recorder = async (meetingId: string, token?: string) => {
    const s = await app.socketOf();
    const egressToken = token ?? tokens.issue({ meetingId, organisationId }, new Date()).token;
    return { s, reply: await s.request({ type: 'join', meetingId, egressToken }) };
  };
  const meeting = async (name: string, extra: object = {}) =>
    (await bob.post('/api/meetings', { name, ...extra })).json<MeetingView>();
  const heardOf = (p: Joined, id: string) =>
    p.s.received.filter(
      (m) =>
        (m.type === 'participantJoined' && m.participant.id === id) ||
        (m.type === 'participantLeft' && m.participantId === id),
    );

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database, {
      egress: tokens,
      emptyGraceMs: 0,
    });
    const { session } = await setUp(app.t);
    organisationId = session.organisation.id;
    [bob, carol, dave, eve] = await signedInUsers(app.t, database, organisationId, [
      'Bob',
      'Carol',
      'Dave',
      'Eve',
    ]);
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('REC-START: the recorder joins unseen: in nobody’s roster, its coming and going told to nobody; it follows the roster', async () => {
    const m = await meeting('Recorded');
    const people = [await enter(bob, m.id), await enter(carol, m.id), await enter(dave, m.id)];
    for (const p of people) await publishSynthetic(p.s);

    const { s, reply } = await recorder(m.id);
    assert.equal(reply.type, 'joined', JSON.stringify(reply));
    const joined = reply;
    assert.deepEqual(joined.participants.map((p) => p.displayName).sort(), ['Bob', 'Carol', 'Dave']);
    // Eve comes: her roster has no recorder, and the recorder hears of her.
    const evePresent = await app.socketOf(eve);
    const eveJoined = await evePresent.request({ type: 'join', meetingId: m.id });
    assert.equal(eveJoined.type, 'joined');
    const eveId = eveJoined.participantId;
    assert.deepEqual(eveJoined.participants.map((p) => p.displayName).sort(), [
      'Bob',
      'Carol',
      'Dave',
      'Eve',
    ]);
    await s.next('participantJoined', (j) => j.participant.id === eveId);

    assert.equal(outcome(await s.request({ type: 'leave' })), 'ack');
    await sleep(300);
    for (const p of people) assert.deepEqual(heardOf(p, joined.participantId), [], 'nobody heard of it');
  });

  test('REC-START: a recorder may only receive: publishing, chat, hands, moderation and the E2EE group are refused', async () => {
    const m = await meeting('Only watching');
    const owner = await enter(bob, m.id);
    const { s, reply } = await recorder(m.id);
    assert.equal(reply.type, 'joined');
    const refusals = [
      {
        type: 'publish',
        sdp: syntheticPublishOffer(),
        tracks: [{ mid: '0', source: 'microphone' }],
      },
      { type: 'sendChat', body: 'hello' },
      { type: 'raiseHand', raised: true },
      { type: 'muteParticipants', participantIds: [owner.id], source: 'microphone', allowUnmute: true },
      { type: 'removeParticipants', participantIds: [owner.id] },
      { type: 'setMute', source: 'microphone', muted: true },
    ];
    for (const request of refusals) {
      const answer = await s.request(request);
      assert.equal(outcome(answer), 'forbidden', JSON.stringify(answer));
    }
    // Candidates carry no rid: the refusal comes as a bare error frame.
    s.send({ type: 'trickle', target: 'publisher', candidate: null });
    assert.equal((await s.next('error')).code, 'forbidden');
    assert.equal(owner.s.received.filter((x) => x.type === 'chat').length, 0);
  });

  test('REC-START: when the last person leaves, the recorder is let go with meeting_ended and the meeting is over: a recorder keeps no meeting open', async () => {
    const m = await meeting('Short', { oneTime: true });
    const owner = await enter(bob, m.id);
    const { s, reply } = await recorder(m.id);
    assert.equal(reply.type, 'joined');
    assert.equal(outcome(await owner.s.request({ type: 'leave' })), 'ack');
    const gone = await s.next('disconnected');
    assert.equal(gone.reason, 'meeting_ended');
    await s.closed();
    // A one-time meeting is deleted once over: it is, with the recorder gone too.
    const deadline = Date.now() + 5_000;
    while ((await bob.get(`/api/meetings/${m.id}`)).statusCode === 200) {
      assert.ok(Date.now() < deadline, 'the one-time meeting was not over');
      await sleep(100);
    }
  });

  test('REC-START: a recorder token opens only its own meeting, only while it is live; a meeting nobody is in is not recorded', async () => {
    const m = await meeting('Guarded');
    const other = await meeting('Elsewhere');
    await enter(carol, other.id);
    const { token } = tokens.issue({ meetingId: m.id, organisationId }, new Date());
    assert.equal(outcome((await recorder(other.id, token)).reply), 'unauthorized', 'another meeting');
    assert.equal(outcome((await recorder(m.id, 'x'.repeat(43))).reply), 'unauthorized', 'made up');
    assert.equal(outcome((await recorder(m.id, token)).reply), 'invalid_state', 'nobody is in');
    await enter(bob, m.id);
    tokens.revoke(token);
    assert.equal(outcome((await recorder(m.id, token)).reply), 'unauthorized', 'revoked');
  });

  test('E2EE-LIMITS: a recorder is refused in an end-to-end encrypted meeting (e2ee_unavailable)', async () => {
    const m = await meeting('Sealed', { e2ee: true });
    const { reply } = await recorder(m.id);
    assert.equal(outcome(reply), 'e2ee_unavailable');
  });
});
