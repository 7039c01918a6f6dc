import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiKeyCreatedView, MeetingView, PlatformGuestToken, ServerMessage } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;

/** The other web app the operator allowed (CONCLAVE_EMBED_ORIGINS), and one they did not. */
const INTRANET = 'https://intranet.example.org';
const ELSEWHERE = 'https://elsewhere.example';

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);

/**
 * The SDK embedded in another web app (docs/sdk.md): its page opens the signaling socket from its
 * own origin, with a guest token its backend got through the platform API. Real auth, meetings and
 * signaling services over a real Janus.
 */
describe('signaling from pages of other web apps', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let bob: TestClient;
  let key = '';

  const meeting = async (body: object) => {
    const res = await bob.post('/api/meetings', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const guestToken = async (meetingId: string, displayName: string) => {
    const res = await app.t.app.inject({
      method: 'POST',
      url: `/api/v1/meetings/${meetingId}/guests`,
      headers: { authorization: `Bearer ${key}` },
      payload: { displayName },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<PlatformGuestToken>().token;
  };
  /** A socket as the intranet page opens it: its Origin, and the visitor's cookies for our site. */
  const fromIntranet = (cookie = '') => app.connect({ origin: INTRANET, cookieHeader: cookie });

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database, { env: { CONCLAVE_EMBED_ORIGINS: `${INTRANET}/` } });
    const { client, session } = await setUp(app.t);
    [bob] = await signedInUsers(app.t, database, session.organisation.id, ['Bob']);
    const made = await client.post('/api/api-keys', { name: 'Intranet', scopes: ['participants:join'] });
    assert.equal(made.statusCode, 201, made.body);
    key = made.json<ApiKeyCreatedView>().key;
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('IAM-GUEST: the allowed site’s page joins with a guest token from a key: no passcode asked, and the lobby applies', async () => {
    const m = await meeting({ name: 'Intranet town hall', lobby: 'guests' });
    assert.equal(
      (await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '482913' })).statusCode,
      200,
    );
    const owner = await app.socketOf(bob);
    assert.equal(outcome(await owner.request({ type: 'join', meetingId: m.id })), 'joined');

    const page = await fromIntranet();
    const token = await guestToken(m.id, 'Gina from the intranet');
    const reply = await page.request({ type: 'join', meetingId: m.id, guestToken: token });
    assert.equal(reply.type, 'waiting', JSON.stringify(reply));
    const lobby = await owner.next('lobby', (l) => l.waiting.length === 1);
    assert.deepEqual(
      lobby.waiting.map((w) => [w.displayName, w.kind]),
      [['Gina from the intranet', 'guest']],
    );
    assert.equal(
      outcome(await owner.request({ type: 'admit', participantIds: [lobby.waiting[0]!.id] })),
      'ack',
    );
    const inside = await page.next('joined');
    const self = inside.participants.find((p) => p.id === inside.participantId);
    assert.deepEqual([self?.displayName, self?.kind], ['Gina from the intranet', 'guest']);
    page.ws.terminate();
    owner.ws.terminate();
  });

  test('IAM-GUEST: a socket from a site not allowed is refused; the allowed site’s socket joins by guest token only, never by the visitor’s session', async () => {
    await assert.rejects(app.connect({ origin: ELSEWHERE }), { status: 403 });

    const m = await meeting({ name: 'Open', lobby: 'off' });
    // Bob visits the intranet while signed in to Conclave: his cookie comes along, and means nothing.
    const page = await fromIntranet(bob.cookie ?? '');
    for (const join of [
      { type: 'join', meetingId: m.id },
      { type: 'join', meetingId: m.id, displayName: 'Anyone' },
      { type: 'join', meetingId: m.id, roomSystem: true },
    ]) {
      const refused = await page.request(join);
      assert.equal(outcome(refused), 'forbidden', JSON.stringify(refused));
    }
    const token = await guestToken(m.id, 'Gina');
    const joined = await page.request({ type: 'join', meetingId: m.id, guestToken: token });
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    const self = joined.participants.find((p) => p.id === joined.participantId);
    assert.deepEqual([self?.displayName, self?.kind], ['Gina', 'guest']);
    page.ws.terminate();
  });
});
