import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ServerMessage } from '@conclave/protocol';
import { addUser, setUp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';

const skip = janusUnavailableReason() ?? false;
const PASSCODE = '73519';

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);

/** MEET-PASSCODE at the signaling join, with the real auth and meetings services over a real Janus. */
describe('joining a meeting that has a passcode', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let t: TestApp;
  let admin: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  const socket = (client?: TestClient) => app.socketOf(client);
  /** One join on a socket of its own; the socket is closed after. */
  const join = async (who: TestClient | string, meetingId: string, passcode?: string) => {
    const s = await socket(typeof who === 'string' ? undefined : who);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...(typeof who === 'string' && { displayName: who }),
      ...(passcode !== undefined && { passcode }),
    });
    s.close();
    return outcome(reply);
  };
  const meetingWithPasscode = async (name: string) => {
    const m = (await bob.post('/api/meetings', { name })).json<MeetingView>();
    const set = await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: PASSCODE });
    assert.equal(set.statusCode, 200, set.body);
    return m;
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    t = app.t;
    const { client, session } = await setUp(t);
    admin = client;
    for (const name of ['Bob', 'Carol']) {
      await addUser(database, session.organisation.id, {
        email: `${name.toLowerCase()}@acme.test`,
        password: `${name} long password`,
        displayName: name,
      });
    }
    bob = new TestClient(t.app);
    await bob.signIn('bob@acme.test', 'Bob long password');
    carol = new TestClient(t.app);
    await carol.signIn('carol@acme.test', 'Carol long password');
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  test('MEET-PASSCODE: a guest or another user joins only with the passcode; the owner and an Administrator need none', async () => {
    const m = await meetingWithPasscode('Board');
    assert.equal(await join('Gina', m.id), 'passcode_required');
    assert.equal(await join('Gina', m.id, '00000'), 'passcode_wrong');
    assert.equal(await join('Gina', m.id, PASSCODE), 'joined');
    assert.equal(await join(carol, m.id), 'passcode_required');
    assert.equal(await join(carol, m.id, PASSCODE), 'joined');
    assert.equal(await join(bob, m.id), 'joined', 'the owner');
    assert.equal(await join(admin, m.id), 'joined', 'an Administrator');
    // Removed, it is asked of no one.
    await bob.delete(`/api/meetings/${m.id}/passcode`);
    assert.equal(await join('Hal', m.id), 'joined');
  });

  test('MEET-PASSCODE: 50 wrong guesses sent in parallel from one client: 5 are checked, the rest must wait, the right one too', async () => {
    const m = await meetingWithPasscode('Vault');
    const guesses = Array.from({ length: 50 }, (_, i) => String(10_000 + i));
    const results = await Promise.all(guesses.map((g) => join('Mallory', m.id, g)));
    const count = (code: string) => results.filter((r) => r === code).length;
    assert.deepEqual([count('passcode_wrong'), count('rate_limited')], [5, 45], JSON.stringify(results));
    const s = await socket();
    const late = await s.request({
      type: 'join',
      meetingId: m.id,
      displayName: 'Mallory',
      passcode: PASSCODE,
    });
    assert.equal(outcome(late), 'rate_limited');
    assert.match(late.type === 'error' ? late.message : '', /Try again in \d+ seconds?/);
  });

  test('MEET-PASSCODE: passcodes given at the join never reach the logs', async () => {
    const m = await meetingWithPasscode('Quiet');
    assert.equal(await join('Quinn', m.id, '64646464'), 'passcode_wrong');
    assert.equal(await join('Quinn', m.id, PASSCODE), 'joined');
    assert.equal(t.logs.filter((l) => l.includes('64646464') || l.includes(PASSCODE)).length, 0);
  });
});
