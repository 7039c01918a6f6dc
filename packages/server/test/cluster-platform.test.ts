import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiKeyCreatedView, MeetingView, RosterView } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { InProcessNodes } from './support/cluster-fakes';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import { startTestMediaPlane } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

type Node = Awaited<ReturnType<typeof startAppWithSignaling>>;

/**
 * The platform API (docs/api.md) on a node that does not hold the meeting (NET-SCALE): two nodes in one
 * process over a real Janus, wired by the in-process bus and shared room state.
 */
describe('platform API across two control-plane nodes', { skip }, () => {
  let database: TestDatabase;
  let media: Awaited<ReturnType<typeof startTestMediaPlane>>;
  let a: Node;
  let b: Node;
  let bob: TestClient;
  let carol: TestClient;
  let key: string;

  const onB = (method: 'GET' | 'POST', url: string, body?: object) =>
    b.t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(body && { payload: body }),
    });

  before(async () => {
    database = await createTestDatabase('sqlite');
    media = await startTestMediaPlane();
    const nodes = new InProcessNodes();
    a = await startAppWithSignaling(database, { media: media.media, cluster: nodes.node('node-a') });
    b = await startAppWithSignaling(database, { media: media.media, cluster: nodes.node('node-b') });
    const { client: ada, session } = await setUp(a.t);
    [bob, carol] = await signedInUsers(a.t, database, session.organisation.id, ['Bob', 'Carol']);
    const made = await ada.post('/api/api-keys', {
      name: 'Cluster bot',
      scopes: ['participants:read', 'participants:moderate'],
    });
    key = made.json<ApiKeyCreatedView>().key;
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await media?.stop();
    await database?.close();
  });

  test('NET-SCALE, MEET-MOD-MUTE: a key sent to another node reads the roster, mutes and ends a meeting held by the first', async () => {
    const m = (await bob.post('/api/meetings', { name: 'Held by A' })).json<MeetingView>();
    const owner = await a.socketOf(bob);
    assert.equal((await owner.request({ type: 'join', meetingId: m.id })).type, 'joined');
    const carolS = await a.socketOf(carol);
    const carolJoined = await carolS.request({ type: 'join', meetingId: m.id });
    assert.equal(carolJoined.type, 'joined');
    const carolId = carolJoined.type === 'joined' ? carolJoined.participantId : '';

    // The holding node writes its room's state within milliseconds of a change.
    let roster: RosterView = { live: false, participants: [] };
    for (let i = 0; i < 50 && roster.participants.length < 2; i++) {
      roster = (await onB('GET', `/api/v1/meetings/${m.id}/participants`)).json<RosterView>();
      if (roster.participants.length < 2) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(roster.live, true);
    assert.deepEqual(roster.participants.map((p) => p.displayName).sort(), ['Bob', 'Carol']);

    const mute = await onB('POST', `/api/v1/meetings/${m.id}/participants/${carolId}/mute`, {
      source: 'camera',
    });
    assert.equal(mute.statusCode, 204, mute.body);
    const told = await carolS.next('mutedByModerator');
    assert.deepEqual([told.source, told.moderatorName], ['camera', 'API key “Cluster bot”']);
    // What can be checked on this node is: the owner moderates by role, and nobody is who is not there.
    const ownerId = roster.participants.find((p) => p.displayName === 'Bob')!.id;
    assert.equal(
      (await onB('POST', `/api/v1/meetings/${m.id}/participants/${ownerId}/mute`, {})).statusCode,
      403,
    );
    assert.equal((await onB('POST', `/api/v1/meetings/${m.id}/participants/gone/mute`, {})).statusCode, 404);

    assert.equal((await onB('POST', `/api/v1/meetings/${m.id}/end`)).statusCode, 204);
    assert.equal((await owner.next('disconnected')).reason, 'meeting_ended');
    assert.equal((await carolS.next('disconnected')).reason, 'meeting_ended');
  });
});
