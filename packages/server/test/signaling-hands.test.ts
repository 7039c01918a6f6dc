import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ParticipantInfo, ServerMessage } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);

interface Joined {
  s: SignalClient;
  id: string;
  roster?: ParticipantInfo[];
}

/** Raised hands over signaling (MEET-LAYOUT's in-meeting essentials), with a real Janus. */
describe('raising hands', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let bob: TestClient;
  let carol: TestClient;

  const enter = async (who: TestClient | string, meetingId: string): Promise<Joined> => {
    const s = await app.socketOf(typeof who === 'string' ? undefined : who);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...(typeof who === 'string' && { displayName: who }),
    });
    assert.ok(reply.type === 'joined', JSON.stringify(reply));
    return { s, id: reply.participantId, roster: reply.participants };
  };
  const update = (watcher: Joined, of: Joined, match: (p: ParticipantInfo) => boolean) =>
    watcher.s.next('participantUpdated', (m) => m.participant.id === of.id && match(m.participant));

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    const { session } = await setUp(app.t);
    [bob, carol] = await signedInUsers(app.t, database, session.organisation.id, ['Bob', 'Carol']);
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('MEET-LAYOUT: a raised hand is seen by everyone in the order raised; a moderator lowers it, nobody else can', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Hands' })).json<MeetingView>();
    const owner = await enter(bob, m.id);
    const carolP = await enter(carol, m.id);
    const gina = await enter('Gina', m.id);

    assert.equal(outcome(await gina.s.request({ type: 'raiseHand', raised: true })), 'ack');
    const seen = await update(owner, gina, (p) => p.handRaisedAt !== undefined);
    const ginaAt = seen.participant.handRaisedAt as string;
    assert.equal(outcome(await carolP.s.request({ type: 'raiseHand', raised: true })), 'ack');
    const carolSeen = await update(gina, carolP, (p) => p.handRaisedAt !== undefined);
    assert.ok((carolSeen.participant.handRaisedAt as string) >= ginaAt, 'Carol raised after Gina');
    // Raising again keeps one's place in the order.
    assert.equal(outcome(await gina.s.request({ type: 'raiseHand', raised: true })), 'ack');

    // Carol is no moderator: she cannot lower Gina's hand, only her own.
    const refused = await carolP.s.request({ type: 'lowerHand', participantId: gina.id });
    assert.equal(outcome(refused), 'forbidden');
    assert.equal(outcome(await carolP.s.request({ type: 'lowerHand', participantId: carolP.id })), 'ack');
    await update(owner, carolP, (p) => p.handRaisedAt === undefined);

    // A newcomer finds Gina's hand up in the roster.
    const late = await enter('Lars', m.id);
    const hands = late.roster?.filter((p) => p.handRaisedAt !== undefined).map((p) => p.id);
    assert.deepEqual(hands, [gina.id]);

    assert.equal(outcome(await owner.s.request({ type: 'lowerHand', participantId: gina.id })), 'ack');
    const lowered = await update(gina, gina, (p) => p.handRaisedAt === undefined);
    assert.equal(lowered.participant.handRaisedAt, undefined);
    for (const p of [owner, carolP, gina, late]) p.s.close();
  });

  test('MEET-LAYOUT: hand requests are validated: a bad id or value is refused with its field', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Hands, badly' })).json<MeetingView>();
    const owner = await enter(bob, m.id);
    const badValue = await owner.s.request({ type: 'raiseHand', raised: 'yes' });
    assert.deepEqual(badValue.type === 'error' && [badValue.code, badValue.field], [
      'validation_failed',
      'raised',
    ]);
    const badId = await owner.s.request({ type: 'lowerHand', participantId: '../x' });
    assert.deepEqual(badId.type === 'error' && [badId.code, badId.field], [
      'validation_failed',
      'participantId',
    ]);
    const nobody = await owner.s.request({
      type: 'lowerHand',
      participantId: '0190aaaa-0000-7000-8000-000000000001',
    });
    assert.equal(outcome(nobody), 'not_found');
    owner.s.close();
  });

  test('MEET-LAYOUT: before joining, a hand cannot be raised', async () => {
    const s = await app.socketOf(carol);
    assert.equal(outcome(await s.request({ type: 'raiseHand', raised: true })), 'not_joined');
    s.close();
  });
});
