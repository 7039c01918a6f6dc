import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ParticipantInfo, ServerMessage, ServerMessageOf } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { publishSynthetic, syntheticPublishOffer } from './media-support/sdp';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);
const muted = (p: ParticipantInfo, source: 'microphone' | 'camera') =>
  p.tracks.find((t) => t.source === source)?.muted;

interface Joined {
  s: SignalClient;
  id: string;
}

/** MEET-MODERATORS, MEET-MOD-MUTE and MEET-MOD-REMOVE over signaling, with a real Janus. */
describe('moderating a meeting', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let admin: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let dave: TestClient;

  const join = async (who: TestClient | string, meetingId: string, extra: Record<string, string> = {}) => {
    const s = await app.socketOf(typeof who === 'string' ? undefined : who);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...(typeof who === 'string' && !extra.guestToken && { displayName: who }),
      ...extra,
    });
    return { s, reply };
  };
  const enter = async (who: TestClient | string, meetingId: string): Promise<Joined> => {
    const { s, reply } = await join(who, meetingId);
    assert.equal(reply.type, 'joined', JSON.stringify(reply));
    return { s, id: reply.participantId };
  };
  const publish = (p: Joined) => publishSynthetic(p.s);
  const update = (watcher: Joined, of: Joined, match: (p: ParticipantInfo) => boolean) =>
    watcher.s.next('participantUpdated', (m) => m.participant.id === of.id && match(m.participant));
  const meeting = async (name: string) => (await bob.post('/api/meetings', { name })).json<MeetingView>();

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    const { client, session } = await setUp(app.t);
    admin = client;
    [bob, carol, dave] = await signedInUsers(app.t, database, session.organisation.id, [
      'Bob',
      'Carol',
      'Dave',
    ]);
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('MEET-MODERATORS: the owner and an Administrator moderate; the owner promotes a participant, who cannot promote others', async () => {
    const m = await meeting('Roles');
    const owner = await enter(bob, m.id);
    const administrator = await enter(admin, m.id);
    const { s, reply } = await join(carol, m.id);
    const carolJoined = reply as ServerMessageOf<'joined'>;
    const roles = Object.fromEntries(carolJoined.participants.map((p) => [p.displayName, p.moderator]));
    assert.deepEqual(roles, { Bob: true, 'Ada Admin': true, Carol: false });
    const carolP: Joined = { s, id: carolJoined.participantId };
    const daveP = await enter(dave, m.id);

    const selfPromotion = await carolP.s.request({
      type: 'setModerator',
      participantId: carolP.id,
      moderator: true,
    });
    assert.equal(outcome(selfPromotion), 'forbidden');
    assert.equal(
      outcome(await owner.s.request({ type: 'setModerator', participantId: carolP.id, moderator: true })),
      'ack',
    );
    await update(daveP, carolP, (p) => p.moderator);
    await carolP.s.next('lobby');
    const byPromoted = await carolP.s.request({
      type: 'setModerator',
      participantId: daveP.id,
      moderator: true,
    });
    assert.equal(outcome(byPromoted), 'forbidden', 'a promoted moderator does not promote');
    const demoteOwner = await administrator.s.request({
      type: 'setModerator',
      participantId: owner.id,
      moderator: false,
    });
    assert.equal(outcome(demoteOwner), 'invalid_state', 'the owner stays a moderator');
    // A promoted moderator moderates others, but not the owner.
    const muteOwner = await carolP.s.request({
      type: 'muteParticipants',
      participantIds: [owner.id],
      source: 'microphone',
      allowUnmute: true,
    });
    assert.equal(outcome(muteOwner), 'forbidden');
    const muteDave = await carolP.s.request({
      type: 'muteParticipants',
      participantIds: [daveP.id],
      source: 'microphone',
      allowUnmute: true,
    });
    assert.equal(outcome(muteDave), 'ack');
  });

  test('MEET-MOD-MUTE: a moderator mutes one participant; they are told and cannot unmute until allowed', async () => {
    const m = await meeting('Mute one');
    const owner = await enter(bob, m.id);
    const carolP = await enter(carol, m.id);
    const guest = await enter('Gina', m.id);
    await publish(carolP);
    await update(owner, carolP, (p) => muted(p, 'microphone') === false);

    const notModerator = await guest.s.request({
      type: 'muteParticipants',
      participantIds: [carolP.id],
      source: 'microphone',
      allowUnmute: false,
    });
    assert.equal(outcome(notModerator), 'forbidden');

    const reply = await owner.s.request({
      type: 'muteParticipants',
      participantIds: [carolP.id],
      source: 'microphone',
      allowUnmute: false,
    });
    assert.equal(outcome(reply), 'ack');
    const told = await carolP.s.next('mutedByModerator');
    assert.deepEqual([told.source, told.moderatorName, told.canUnmute], ['microphone', 'Bob', false]);
    const seen = await update(guest, carolP, (p) => muted(p, 'microphone') === true);
    assert.equal(muted(seen.participant, 'camera'), false, 'only the microphone');

    const unmute = await carolP.s.request({ type: 'setMute', source: 'microphone', muted: false });
    assert.equal(outcome(unmute), 'muted_by_moderator');

    await owner.s.request({ type: 'allowUnmute', participantIds: [carolP.id], source: 'microphone' });
    const allowed = await carolP.s.next('unmuteAllowed');
    assert.equal(allowed.source, 'microphone');
    assert.equal(
      outcome(await carolP.s.request({ type: 'setMute', source: 'microphone', muted: false })),
      'ack',
    );
    await update(guest, carolP, (p) => muted(p, 'microphone') === false);
  });

  test('MEET-MOD-MUTE, MEET-SHARE: a moderator stops someone’s screen share; they cannot share again until allowed', async () => {
    const m = await meeting('Stop a share');
    const owner = await enter(bob, m.id);
    const carolP = await enter(carol, m.id);
    const shared = await carolP.s.request({
      type: 'publish',
      sdp: syntheticPublishOffer({ screenMid: '2' }),
      tracks: [
        { mid: '0', source: 'microphone' },
        { mid: '1', source: 'camera' },
        { mid: '2', source: 'screen' },
      ],
    });
    assert.equal(outcome(shared), 'publishAnswer');
    const sharing = (p: ParticipantInfo) => p.tracks.some((t) => t.source === 'screen');
    await update(owner, carolP, sharing);

    const reply = await owner.s.request({
      type: 'muteParticipants',
      participantIds: [carolP.id],
      source: 'screen',
      allowUnmute: false,
    });
    assert.equal(outcome(reply), 'ack');
    const told = await carolP.s.next('mutedByModerator');
    assert.deepEqual([told.source, told.canUnmute], ['screen', false]);
    // A stopped share is gone from the roster (and from every subscription), not shown as muted.
    const seen = await update(owner, carolP, (p) => !sharing(p));
    assert.equal(muted(seen.participant, 'camera'), false, 'only the share');
    const again = await carolP.s.request({ type: 'setMute', source: 'screen', muted: false });
    assert.equal(outcome(again), 'muted_by_moderator');
  });

  test('MEET-MOD-MUTE: reconnecting does not lift a moderator’s mute', async () => {
    const m = await meeting('Mute sticks');
    const owner = await enter(bob, m.id);
    const first = await enter(dave, m.id);
    await owner.s.request({
      type: 'muteParticipants',
      participantIds: [first.id],
      source: 'microphone',
      allowUnmute: false,
    });
    await first.s.next('mutedByModerator');
    first.s.close();
    await owner.s.next('participantLeft', (x) => x.participantId === first.id);
    const again = await enter(dave, m.id);
    const told = await again.s.next('mutedByModerator');
    assert.deepEqual([told.source, told.moderatorName, told.canUnmute], ['microphone', 'Bob', false]);
    await publish(again);
    const seen = await update(owner, again, (p) => p.tracks.length === 2);
    assert.equal(muted(seen.participant, 'microphone'), true, 'published muted');
    const unmute = await again.s.request({ type: 'setMute', source: 'microphone', muted: false });
    assert.equal(outcome(unmute), 'muted_by_moderator');
  });

  test('MEET-MOD-MUTE: mute all cameras mutes everyone but the moderators; those allowed may unmute', async () => {
    const m = await meeting('Mute all');
    const owner = await enter(bob, m.id);
    const administrator = await enter(admin, m.id);
    const carolP = await enter(carol, m.id);
    const guest = await enter('Gus', m.id);
    for (const p of [owner, administrator, carolP, guest]) await publish(p);
    await update(owner, guest, (p) => muted(p, 'camera') === false);

    await owner.s.request({ type: 'muteParticipants', source: 'camera', allowUnmute: true });
    await update(owner, carolP, (p) => muted(p, 'camera') === true);
    await update(owner, guest, (p) => muted(p, 'camera') === true);
    for (const p of [carolP, guest]) {
      const told = await p.s.next('mutedByModerator');
      assert.deepEqual([told.source, told.canUnmute], ['camera', true]);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(!administrator.s.received.some((x) => x.type === 'mutedByModerator'), 'moderators stay');
    assert.ok(!owner.s.received.some((x) => x.type === 'mutedByModerator'));
    assert.equal(outcome(await guest.s.request({ type: 'setMute', source: 'camera', muted: false })), 'ack');
  });

  test('MEET-MOD-REMOVE: a removed participant is disconnected at once and comes back only through the lobby', async () => {
    const m = await meeting('Remove one');
    const owner = await enter(bob, m.id);
    const carolP = await enter(carol, m.id);
    const { s, reply } = await join('Mallory', m.id);
    const guest: Joined = { s, id: (reply as ServerMessageOf<'joined'>).participantId };
    const token = (reply as ServerMessageOf<'joined'>).guestToken!;

    const byOther = await carolP.s.request({ type: 'removeParticipants', participantIds: [guest.id] });
    assert.equal(outcome(byOther), 'forbidden');
    assert.equal(
      outcome(await owner.s.request({ type: 'removeParticipants', participantIds: [guest.id] })),
      'ack',
    );
    const told = await guest.s.next('disconnected');
    assert.equal(told.reason, 'removed');
    await guest.s.closed();
    const left = await carolP.s.next('participantLeft', (x) => x.participantId === guest.id);
    assert.equal(left.reason, 'removed');
    carolP.s.received.length = 0;

    // The meeting has no lobby, yet the removed guest waits for a moderator to let them in again.
    const back = await join('x', m.id, { guestToken: token });
    assert.equal(back.reply.type, 'waiting');
    const list = await owner.s.next('lobby', (l) => l.waiting.length === 1);
    assert.equal(list.waiting[0]?.displayName, 'Mallory');
    assert.ok(!carolP.s.received.some((x) => x.type === 'participantJoined'));

    // Nor under a new name: once a guest was removed, new guests wait too.
    const renamed = await join('Not Mallory', m.id);
    assert.equal(renamed.reply.type, 'waiting');
    await owner.s.next('lobby', (l) => l.waiting.length === 2);
    const user = await join(dave, m.id);
    assert.equal(user.reply.type, 'joined', 'signed-in users are known by their account: they still enter');
  });

  test('MEET-MOD-REMOVE: remove all removes everyone but the moderators', async () => {
    const m = await meeting('Remove all');
    const owner = await enter(bob, m.id);
    const administrator = await enter(admin, m.id);
    const carolP = await enter(carol, m.id);
    const guest = await enter('Gwen', m.id);
    assert.equal(outcome(await owner.s.request({ type: 'removeParticipants' })), 'ack');
    for (const p of [carolP, guest]) assert.equal((await p.s.next('disconnected')).reason, 'removed');
    const gone = new Set<string>();
    while (gone.size < 2) gone.add((await administrator.s.next('participantLeft')).participantId);
    assert.deepEqual(gone, new Set([carolP.id, guest.id]));
    assert.equal(outcome(await administrator.s.request({ type: 'ping' })), 'pong', 'moderators stay');
  });
});
