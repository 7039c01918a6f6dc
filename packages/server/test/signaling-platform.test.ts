import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ApiKeyCreatedView,
  ApiKeyScope,
  MeetingView,
  ParticipantInfo,
  RosterView,
  ServerMessage,
} from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { publishSynthetic } from './media-support/sdp';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const muted = (p: ParticipantInfo, source: 'microphone' | 'camera') =>
  p.tracks.find((t) => t.source === source)?.muted;

interface Joined {
  s: SignalClient;
  id: string;
}

/**
 * The platform API's moderation (docs/api.md) of a running meeting, with a real Janus: what a key
 * does reaches the participants as a moderator's action does (MEET-MOD-MUTE, MEET-MOD-REMOVE).
 */
describe('platform API: running meetings', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let ada: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let key: string;

  const withKey = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: object, k = key) =>
    app.t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${k}` },
      ...(body && { payload: body }),
    });
  const makeKey = async (scopes: ApiKeyScope[], name: string) => {
    const res = await ada.post('/api/api-keys', { name, scopes });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<ApiKeyCreatedView>().key;
  };
  const enter = async (who: TestClient | string, meetingId: string): Promise<Joined> => {
    const s = await app.socketOf(typeof who === 'string' ? undefined : who);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...(typeof who === 'string' && { displayName: who }),
    });
    assert.equal(reply.type, 'joined', JSON.stringify(reply));
    return { s, id: reply.participantId };
  };
  const meeting = async (name: string) => (await bob.post('/api/meetings', { name })).json<MeetingView>();
  const roster = async (meetingId: string) => {
    const res = await withKey('GET', `/api/v1/meetings/${meetingId}/participants`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<RosterView>();
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    const { client, session } = await setUp(app.t);
    ada = client;
    [bob, carol] = await signedInUsers(app.t, database, session.organisation.id, ['Bob', 'Carol']);
    key = await makeKey(['participants:read', 'participants:moderate'], 'Moderator bot');
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('MEET-MOD-MUTE: a key reads who is in a meeting and mutes one of them; they are told by whom and cannot unmute', async () => {
    const m = await meeting('Muted by a bot');
    assert.deepEqual(await roster(m.id), { live: false, participants: [] });
    const owner = await enter(bob, m.id);
    const carolP = await enter(carol, m.id);
    await publishSynthetic(carolP.s);
    await owner.s.next(
      'participantUpdated',
      (x) => x.participant.id === carolP.id && muted(x.participant, 'microphone') === false,
    );

    const now = await roster(m.id);
    assert.equal(now.live, true);
    const byName = Object.fromEntries(now.participants.map((p) => [p.displayName, p]));
    assert.deepEqual(Object.keys(byName).sort(), ['Bob', 'Carol']);
    assert.equal(byName.Bob!.moderator, true);
    assert.equal(byName.Carol!.id, carolP.id);
    assert.equal(byName.Carol!.kind, 'user');
    assert.deepEqual(
      byName.Carol!.tracks.find((x) => x.source === 'microphone'),
      { source: 'microphone', muted: false },
    );

    const res = await withKey('POST', `/api/v1/meetings/${m.id}/participants/${carolP.id}/mute`, {});
    assert.equal(res.statusCode, 204, res.body);
    const told = await carolP.s.next('mutedByModerator');
    assert.deepEqual(
      [told.source, told.moderatorName, told.canUnmute],
      ['microphone', 'API key “Moderator bot”', false],
    );
    await owner.s.next(
      'participantUpdated',
      (x) => x.participant.id === carolP.id && muted(x.participant, 'microphone') === true,
    );
    const unmute = await carolP.s.request({ type: 'setMute', source: 'microphone', muted: false });
    assert.equal(unmute.type === 'error' && unmute.code, 'muted_by_moderator');

    // The owner moderates by their role: no key acts on them, as no other moderator does.
    const onOwner = await withKey('POST', `/api/v1/meetings/${m.id}/participants/${owner.id}/mute`, {});
    assert.equal(onOwner.statusCode, 403, onOwner.body);
    const nobody = await withKey('POST', `/api/v1/meetings/${m.id}/participants/no-such-one/mute`, {});
    assert.equal(nobody.statusCode, 404);
    assert.equal(nobody.json<{ code: string }>().code, 'participant_not_found');
  });

  test('MEET-MOD-REMOVE: a key removes a participant, then ends the meeting for everyone', async () => {
    const m = await meeting('Removed by a bot');
    const owner = await enter(bob, m.id);
    const guest = await enter('Mallory', m.id);
    const res = await withKey('DELETE', `/api/v1/meetings/${m.id}/participants/${guest.id}`);
    assert.equal(res.statusCode, 204, res.body);
    const told = await guest.s.next('disconnected');
    assert.equal(told.reason, 'removed');
    assert.match(told.message, /API key “Moderator bot” removed you/);
    const left = await owner.s.next('participantLeft', (x) => x.participantId === guest.id);
    assert.equal(left.reason, 'removed');
    assert.deepEqual(
      (await roster(m.id)).participants.map((p) => p.displayName),
      ['Bob'],
    );

    const ended = await withKey('POST', `/api/v1/meetings/${m.id}/end`);
    assert.equal(ended.statusCode, 204, ended.body);
    const end = await owner.s.next('disconnected');
    assert.equal(end.reason, 'meeting_ended');
    assert.match(end.message, /Moderator bot/);
    assert.deepEqual(await roster(m.id), { live: false, participants: [] });
    const again = await withKey('POST', `/api/v1/meetings/${m.id}/end`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ code: string }>().code, 'meeting_not_live');
  });

  test('IAM-ROLES: the signaling socket takes no API key, neither as a header nor as a guest token', async () => {
    const m = await meeting('No keys here');
    const all = await makeKey(
      ['meetings:read', 'meetings:write', 'participants:read', 'participants:moderate'],
      'All',
    );
    const outcome = (x: ServerMessage) => (x.type === 'error' ? x.code : x.type);
    for (const options of [
      { headers: { authorization: `Bearer ${all}` } },
      { cookieHeader: `conclave_session=${all}` },
    ]) {
      const s = await app.connect(options);
      const reply = await s.request({ type: 'join', meetingId: m.id });
      assert.equal(outcome(reply), 'unauthorized', JSON.stringify(options));
      s.ws.terminate();
    }
    const asToken = await app.connect();
    const tokenReply = await asToken.request({ type: 'join', meetingId: m.id, guestToken: all });
    assert.equal(outcome(tokenReply), 'unauthorized');
    asToken.ws.terminate();
  });
});
