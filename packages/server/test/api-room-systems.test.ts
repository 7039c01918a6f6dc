import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PAIRING_ALPHABET,
  type AdminRoomSystemView,
  type AuditPageView,
  type DirectoryRoomEntry,
  type DirectoryView,
  type RoomSessionView,
  type SessionView,
} from '@conclave/protocol';
import {
  ADMIN,
  addOrganisation,
  addUser,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { pairedScreen, RoomScreen } from './support/room-screen';

const idOf = async (client: TestClient) =>
  (await client.get('/api/auth/session')).json<SessionView>().user.id;
const codeOf = (res: { json<T>(): T }) => res.json<{ code: string }>().code;

/** Room systems over the HTTP API (ADM-ROOMS, IAM-REVOKE): pairing, sessions, administration, directory. */
describeEachDatabase('room systems API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let sam: TestClient;
  let bob: TestClient;
  let organisationId: string;
  let bobId: string;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, {
      roomPairing: { perAddress: { limit: 6, windowMs: 600_000 }, maxPending: 8 },
    });
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
    [sam, bob] = await signedInUsers(t, database, organisationId, ['Sam', 'Bob'], { Sam: 'superuser' });
    bobId = await idOf(bob);
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  /** A screen from an address of its own, so that the per-address limit is this test's alone. */
  let addresses = 0;
  const newScreen = () => new RoomScreen(t.app, `10.0.0.${++addresses}`);

  test('ADM-ROOMS: a screen shows a code, an Administrator enters it, and the screen is paired as that room system with its own session', async () => {
    const screen = newScreen();
    const start = await screen.startPairing();
    assert.equal(start.code.length, 8);
    for (const c of start.code) assert.ok(PAIRING_ALPHABET.includes(c), `${c} is unambiguous`);
    assert.equal(Date.parse(start.expiresAt) - t.clock.now().getTime(), 10 * 60_000, 'valid 10 minutes');
    assert.equal((await screen.poll()).state, 'pending');
    assert.equal(screen.paired, false);
    assert.equal((await screen.request('GET', '/api/room-systems/session')).statusCode, 401);

    // Typed in lower case with a space, as a person reads it off the screen.
    const typed = `${start.code.slice(0, 4)} ${start.code.slice(4)}`.toLowerCase();
    const res = await ada.post('/api/room-systems', {
      code: typed,
      name: 'Boardroom',
      associatedUserId: bobId,
    });
    assert.equal(res.statusCode, 201, res.body);
    const room = res.json<AdminRoomSystemView>();
    assert.equal(room.name, 'Boardroom');
    assert.deepEqual(room.associatedUser, { id: bobId, displayName: 'Bob' });
    assert.equal(room.online, false, 'not online before its screen took its session');

    const status = await screen.poll();
    assert.equal(status.state, 'paired');
    assert.ok(status.state === 'paired');
    assert.deepEqual(status.room, {
      id: room.id,
      name: 'Boardroom',
      organisation: { id: organisationId, name: ADMIN.organisationName },
    });
    assert.equal(screen.paired, true, 'the screen holds its room cookie');
    const session = await screen.request('GET', '/api/room-systems/session');
    assert.equal(session.statusCode, 200);
    assert.equal(session.json<RoomSessionView>().name, 'Boardroom');
    const cookie = session.cookies.find((c) => c.name === 'conclave_room')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    const stored = await database.db
      .selectFrom('room_systems')
      .selectAll()
      .where('id', '=', room.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.session_token_hash, cookie.value, 'only its hash is stored');
    assert.equal(stored.session_token_hash?.length, 64);

    // The pairing is used up: polling again finds nothing, and the code cannot be entered again.
    assert.equal((await screen.poll()).state, 'expired');
    const again = await ada.post('/api/room-systems', { code: start.code, name: 'Again' });
    assert.equal(again.statusCode, 400);
    assert.equal(codeOf(again), 'pairing_code_invalid');

    const listed = (await ada.get('/api/room-systems')).json<{ roomSystems: AdminRoomSystemView[] }>();
    const mine = listed.roomSystems.find((r) => r.id === room.id)!;
    assert.equal(mine.online, true, 'its screen checked in just now');
    assert.equal(mine.lastSeenAt, t.clock.now().toISOString());
    t.clock.advance(60_000);
    const later = (await ada.get('/api/room-systems')).json<{ roomSystems: AdminRoomSystemView[] }>();
    assert.equal(
      later.roomSystems.find((r) => r.id === room.id)!.online,
      false,
      'a silent screen is offline',
    );

    const audit = (await ada.get('/api/audit?action=roomSystem.registered')).json<AuditPageView>();
    assert.equal(audit.events[0]?.target.name, 'Boardroom');
    assert.equal(audit.events[0]?.actor.name, ADMIN.displayName);
  });

  test('ADM-ROOMS: expired and wrong codes are refused, and guessing is limited per administrator (429)', async () => {
    const screen = newScreen();
    const { code } = await screen.startPairing();
    t.clock.advance(10 * 60_000);
    assert.equal((await screen.poll()).state, 'expired', 'the screen asks for a new code');
    const expired = await sam.post('/api/room-systems', { code, name: 'Too late' });
    assert.equal(expired.statusCode, 400);
    assert.equal(codeOf(expired), 'pairing_code_invalid');

    const malformed = await sam.post('/api/room-systems', { code: 'ABC', name: 'Short' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(codeOf(malformed), 'validation_failed');

    // 10 wrong codes a quarter of an hour; `expired` above was the first.
    const fresh = await newScreen().startPairing();
    const wrong = fresh.code.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await sam.post('/api/room-systems', { code: wrong, name: 'Guess' })).statusCode);
    }
    assert.deepEqual(statuses, [...Array(9).fill(400), 429]);
    const blocked = await sam.post('/api/room-systems', { code: fresh.code, name: 'Right' });
    assert.equal(blocked.statusCode, 429, 'even the right code waits once guessing was limited');
    // Another administrator is not held up by Sam's guesses.
    assert.equal((await ada.post('/api/room-systems', { code: fresh.code, name: 'Right' })).statusCode, 201);
    t.clock.advance(15 * 60_000);
  });

  test('ADM-ROOMS: codes per client address and codes pending at once are bounded (429)', async () => {
    const shared = () => new RoomScreen(t.app, '10.9.9.9');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await shared().request('POST', '/api/room-systems/pairing')).statusCode);
    }
    assert.deepEqual(statuses, [...Array(6).fill(201), 429]);
    // 8 pending at most across the installation: 6 from that address already (and 1 left earlier).
    const elsewhere: number[] = [];
    for (let i = 0; i < 3; i++) {
      elsewhere.push((await newScreen().request('POST', '/api/room-systems/pairing')).statusCode);
    }
    assert.ok(elsewhere.includes(429), `the global cap holds: ${elsewhere.join(', ')}`);
    t.clock.advance(10 * 60_000);
    assert.equal(
      (await newScreen().request('POST', '/api/room-systems/pairing')).statusCode,
      201,
      'expired ones free places',
    );
  });

  test('IAM-REVOKE: revoking a room system ends its screen’s session at once; restoring takes a new code from the screen', async () => {
    const { screen, room } = await pairedScreen(t.app, sam, 'Huddle');
    const revoked = await sam.post(`/api/room-systems/${room.id}/revoke`, {});
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json<AdminRoomSystemView>().revoked, true);
    const res = await screen.request('GET', '/api/room-systems/session');
    assert.equal(res.statusCode, 401, 'its next request is refused');
    assert.equal(screen.paired, false, 'and its cookie cleared');
    assert.equal(
      (await ada.get('/api/directory?kind=room')).json<DirectoryView>().entries.some((e) => e.id === room.id),
      false,
      'a revoked room system is not in the directory',
    );

    // Restoring needs the screen to pair again.
    const noCode = await sam.post(`/api/room-systems/${room.id}/restore`, {});
    assert.equal(noCode.statusCode, 400);
    const { code } = await screen.startPairing();
    const restored = await sam.post(`/api/room-systems/${room.id}/restore`, { code });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json<AdminRoomSystemView>().revoked, false);
    assert.equal((await screen.poll()).state, 'paired');
    assert.equal(
      (await screen.request('GET', '/api/room-systems/session')).json<RoomSessionView>().id,
      room.id,
    );

    // Deleting ends it as well.
    assert.equal((await sam.delete(`/api/room-systems/${room.id}`)).statusCode, 204);
    assert.equal((await screen.request('GET', '/api/room-systems/session')).statusCode, 401);
    const actions = (await ada.get('/api/audit')).json<AuditPageView>().events.map((e) => e.action);
    for (const action of ['roomSystem.revoked', 'roomSystem.restored', 'roomSystem.deleted'] as const) {
      assert.ok(actions.includes(action), action);
    }
  });

  test('ADM-ROOMS: rename and associate are audited; a person of another organisation cannot be associated', async () => {
    const { room } = await pairedScreen(t.app, ada, 'Lab');
    const renamed = await ada.patch(`/api/room-systems/${room.id}`, {
      name: '  Lab 2  ',
      associatedUserId: bobId,
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json<AdminRoomSystemView>().name, 'Lab 2');
    const other = await addOrganisation(database, 'Elsewhere Ltd');
    const stranger = await addUser(database, other, {
      email: 'eve@elsewhere.test',
      password: 'Eve long password',
      displayName: 'Eve',
    });
    const refused = await ada.patch(`/api/room-systems/${room.id}`, { associatedUserId: stranger });
    assert.equal(refused.statusCode, 400);
    assert.equal(codeOf(refused), 'user_not_found');
    const badName = await ada.patch(`/api/room-systems/${room.id}`, { name: 'Lab\u202e' });
    assert.equal(badName.statusCode, 400, 'the one text rule for names');
    const actions = (await ada.get(`/api/audit?targetId=${room.id}`))
      .json<AuditPageView>()
      .events.map((e) => e.action);
    assert.deepEqual(actions, ['roomSystem.associated', 'roomSystem.renamed', 'roomSystem.registered']);

    // Someone of another organisation sees nothing of it.
    await database.db
      .updateTable('users')
      .set({ role: 'administrator' })
      .where('id', '=', stranger)
      .execute();
    const eve = await signedInClient(t, 'eve@elsewhere.test', 'Eve long password');
    assert.equal((await eve.patch(`/api/room-systems/${room.id}`, { name: 'Mine' })).statusCode, 404);
    const theirs = (await eve.get('/api/room-systems')).json<{ roomSystems: AdminRoomSystemView[] }>();
    assert.deepEqual(theirs.roomSystems, []);
  });

  test('ADM-ROOMS: a User can neither list nor register room systems (403)', async () => {
    const { code } = await newScreen().startPairing();
    const res = await bob.post('/api/room-systems', { code, name: 'Sneaky' });
    assert.equal(res.statusCode, 403);
    assert.equal((await bob.get('/api/room-systems')).statusCode, 403);
    assert.equal(
      (await ada.post('/api/room-systems', { code, name: 'Proper' })).statusCode,
      201,
      'the code was not used up',
    );
  });

  test('ADM-ROOMS: hidden room systems follow the rule of roomSystem.hide in the directory', async () => {
    const adaId = await idOf(ada);
    const { room: bobs } = await pairedScreen(t.app, ada, 'Hidden by Sam', bobId);
    const { room: adas } = await pairedScreen(t.app, ada, 'Ada’s office', adaId);
    const entry = async (viewer: TestClient, id: string) =>
      (await viewer.get('/api/directory?kind=room'))
        .json<DirectoryView>()
        .entries.find((e): e is DirectoryRoomEntry => e.kind === 'room' && e.id === id);
    assert.equal((await entry(bob, bobs.id))?.associatedUserName, 'Bob', 'everyone finds a shown one');
    assert.equal((await entry(bob, bobs.id))?.canHide, false);

    // A Superuser hides any room system not associated with the Administrator…
    assert.equal((await sam.patch(`/api/room-systems/${bobs.id}`, { hidden: true })).statusCode, 200);
    assert.equal(await entry(bob, bobs.id), undefined, 'a User no longer finds it');
    assert.equal((await entry(sam, bobs.id))?.hidden, true, 'those who may show it see it, marked');
    // …but not the Administrator's; the Administrator hides their own.
    const refused = await sam.patch(`/api/room-systems/${adas.id}`, { hidden: true });
    assert.equal(refused.statusCode, 403);
    assert.equal((await entry(sam, adas.id))?.canHide, false);
    assert.equal((await ada.patch(`/api/room-systems/${adas.id}`, { hidden: true })).statusCode, 200);
    assert.equal(
      await entry(sam, adas.id),
      undefined,
      'a Superuser does not see the Administrator’s hidden one',
    );
    assert.equal(await entry(bob, adas.id), undefined);
    assert.equal((await entry(ada, adas.id))?.hidden, true);
    assert.equal((await bob.patch(`/api/room-systems/${bobs.id}`, { hidden: false })).statusCode, 403);
    const search = (await bob.get('/api/directory?q=bob')).json<DirectoryView>();
    assert.ok(!search.entries.some((e) => e.id === bobs.id), 'nor by searching for its person');
  });

  test('ADM-ROOMS: a paired screen looks meetings up by extension at most 30 times a minute, counted before the lookup', async () => {
    const pair = async (name: string) => {
      const screen = newScreen();
      const { code } = await screen.startPairing();
      assert.equal((await ada.post('/api/room-systems', { code, name })).statusCode, 201);
      assert.equal((await screen.poll()).state, 'paired');
      return screen;
    };
    const screen = await pair('Lookout');
    const lookUp = (extension: string) =>
      screen.request('GET', `/api/room-systems/session/meetings?extension=${extension}`);
    for (let i = 0; i < 30; i++) {
      const res = await lookUp(String(100000 + i));
      assert.equal(res.statusCode, 404, res.body);
    }
    const limited = await lookUp('100030');
    assert.equal(limited.statusCode, 429, limited.body);
    assert.equal(codeOf(limited), 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Another screen has its own count.
    const other = await pair('Other room');
    const res = await other.request('GET', '/api/room-systems/session/meetings?extension=100031');
    assert.equal(res.statusCode, 404);
  });
});
