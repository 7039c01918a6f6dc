import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { AccountStore, GuestTokenStore, hashPassword } from '../src/auth';
import { DomainEvents, type UserPrincipal } from '../src/domain';
import { ManualClock } from '../src/common/clock';
import { newId } from '../src/common/ids';
import { isUniqueViolation, migrateToLatest } from '../src/db';
import { MeetingService, MeetingStore, type Meeting } from '../src/meetings';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/** A device identity public key as the browser exports it: a raw P-256 point, in base64url. */
async function identityKey(): Promise<string> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  return Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
}

describeEachDatabase('store', (kind) => {
  let database: TestDatabase;
  let accounts: AccountStore;
  const clock = new ManualClock();
  const orgA = newId();
  const orgB = newId();
  const alice = newId();
  const at = clock.now().toISOString();

  const meeting = (over: Partial<Meeting>): Meeting => ({
    lobby: 'off',
    schedule: null,
    recordingByModerators: false,
    streaming: false,
    id: newId(),
    organisationId: orgA,
    ownerId: alice,
    name: 'Room',
    description: '',
    extension: '100000',
    e2ee: false,
    e2eeAnchorKey: null,
    passcodeHash: null,
    oneTime: false,
    startedAt: null,
    hidden: false,
    createdAt: at,
    updatedAt: at,
    ...over,
  });

  before(async () => {
    database = await createTestDatabase(kind);
    accounts = new AccountStore(database.db);
    await accounts.createOrganisation({ id: orgA, name: 'A', createdAt: at });
    await accounts.createOrganisation({ id: orgB, name: 'B', createdAt: at });
    await accounts.createUser({
      id: alice,
      organisationId: orgA,
      email: 'alice@a.test',
      displayName: 'Alice',
      role: 'user',
      passwordHash: await hashPassword('alice password'),
      createdAt: at,
    });
  });
  after(async () => {
    await database?.close();
  });

  test('migrations are recorded and running them again changes nothing', async () => {
    assert.deepEqual(await migrateToLatest(database.db), []);
    const tables = [
      'organisations',
      'installation',
      'users',
      'sessions',
      'meetings',
      'guest_tokens',
    ] as const;
    for (const table of tables) await database.db.selectFrom(table).selectAll().limit(1).execute();
  });

  test('IAM-LOCAL: an email address belongs to one account only', async () => {
    await assert.rejects(
      accounts.createUser({
        id: newId(),
        organisationId: orgB,
        email: 'alice@a.test',
        displayName: 'Other Alice',
        role: 'user',
        passwordHash: null,
        createdAt: at,
      }),
      (err) => isUniqueViolation(err),
    );
  });

  test('the database refuses a role that does not exist', async () => {
    await assert.rejects(
      database.db
        .insertInto('users')
        .values({
          id: newId(),
          organisation_id: orgA,
          email: 'root@a.test',
          display_name: 'Root',
          role: 'root' as 'user',
          password_hash: null,
          hidden: 0,
          created_at: at,
        })
        .execute(),
    );
  });

  test('MEET-CREATE: an extension is unique within an organisation, not across organisations', async () => {
    const store = new MeetingStore(database.db);
    await store.insert(meeting({ extension: '424242' }));
    await assert.rejects(store.insert(meeting({ extension: '424242' })), (err) => isUniqueViolation(err));
    await accounts.createUser({
      id: 'bob-in-b',
      organisationId: orgB,
      email: 'bob@b.test',
      displayName: 'Bob',
      role: 'user',
      passwordHash: null,
      createdAt: at,
    });
    await store.insert(meeting({ organisationId: orgB, ownerId: 'bob-in-b', extension: '424242' }));
  });

  test('MEET-CREATE: a taken extension is redrawn until a free one is found', async () => {
    const store = new MeetingStore(database.db);
    await store.insert(meeting({ extension: '111111' }));
    const draws = ['111111', '111111', '222222'];
    const service = new MeetingService(
      store,
      clock,
      new DomainEvents(),
      'https://meet.test',
      () => draws.shift() ?? '999999',
    );
    const owner: UserPrincipal = {
      kind: 'user',
      userId: alice,
      organisationId: orgA,
      displayName: 'Alice',
      role: 'user',
      sessionId: 'n/a',
    };
    const view = await service.create(owner, { name: 'Redrawn' });
    assert.equal(view.extension, '222222');
    assert.equal(draws.length, 0, 'drew three times');
    const stuck = new MeetingService(store, clock, new DomainEvents(), 'https://meet.test', () => '111111');
    await assert.rejects(stuck.create(owner, { name: 'Never' }), /free meeting extension/);
  });

  test('foreign keys hold: no meeting for an unknown owner; guest tokens go with their meeting', async () => {
    const store = new MeetingStore(database.db);
    await assert.rejects(store.insert(meeting({ ownerId: 'nobody', extension: '333333' })));
    const m = meeting({ extension: '444444' });
    await store.insert(m);
    const guests = new GuestTokenStore(database.db, clock);
    await guests.issue(m, 'Guest');
    await store.delete(m.id);
    const left = await database.db
      .selectFrom('guest_tokens')
      .selectAll()
      .where('meeting_id', '=', m.id)
      .execute();
    assert.equal(left.length, 0);
  });

  test('E2EE-OPTIN: the flag and anchor key round-trip; switching E2EE clears the key', async () => {
    const store = new MeetingStore(database.db);
    const key = await identityKey();
    const m = meeting({ extension: '777777', e2ee: true });
    await store.insert(m);
    assert.equal(await store.setE2eeAnchorKey(m.id, key), true);
    assert.deepEqual(await store.findMeeting(m.id), {
      id: m.id,
      organisationId: orgA,
      ownerId: alice,
      name: 'Room',
      e2ee: true,
      e2eeAnchorKey: key,
      passcodeHash: null,
      lobby: 'off',
    });
    assert.deepEqual(await store.findPublic(m.id), {
      id: m.id,
      name: 'Room',
      organisationName: 'A',
      organisationId: orgA,
      e2ee: true,
      ownerIdentityKey: key,
      passcodeRequired: false,
      lobby: 'off',
    });
    await store.update(m.id, { name: 'Renamed', updatedAt: at });
    assert.equal((await store.findById(m.id))?.e2eeAnchorKey, key, 'a rename keeps the group');
    await store.update(m.id, { e2ee: false, updatedAt: at });
    const off = await store.findById(m.id);
    assert.deepEqual([off?.e2ee, off?.e2eeAnchorKey], [false, null]);
  });

  test('E2EE-OPTIN: an anchor key is refused unless it is a P-256 point for an E2EE meeting', async () => {
    const store = new MeetingStore(database.db);
    const plain = meeting({ extension: '888888' });
    const encrypted = meeting({ extension: '888889', e2ee: true });
    await store.insert(plain);
    await store.insert(encrypted);
    const key = await identityKey();
    assert.equal(await store.setE2eeAnchorKey(plain.id, key), false, 'not an E2EE meeting');
    assert.equal(await store.setE2eeAnchorKey(newId(), key), false, 'no such meeting');
    const point = Buffer.from(key, 'base64url');
    for (const bad of [
      '',
      Buffer.concat([Buffer.from([0x02]), point.subarray(1, 33)]).toString('base64url'), // compressed
      Buffer.concat([Buffer.from([0x05]), point.subarray(1)]).toString('base64url'),
      point.subarray(0, 64).toString('base64url'),
      point.toString('base64'), // padded, not base64url
      `${key}A`,
    ]) {
      await assert.rejects(store.setE2eeAnchorKey(encrypted.id, bad), { code: 'validation_failed' }, bad);
    }
    assert.equal((await store.findById(encrypted.id))?.e2eeAnchorKey, null);
    assert.equal(await store.setE2eeAnchorKey(encrypted.id, key), true);
    assert.equal(await store.setE2eeAnchorKey(encrypted.id, null), true);
    assert.equal((await store.findById(encrypted.id))?.e2eeAnchorKey, null);
  });

  test('E2EE-OPTIN: meetings made before E2EE existed read as not encrypted; the flag is 0 or 1', async () => {
    const id = newId();
    // A row as the code before E2EE wrote it: without the new columns.
    await sql`insert into meetings (id, organisation_id, owner_id, name, description, extension, created_at, updated_at)
              values (${id}, ${orgA}, ${alice}, 'Old', '', '999990', ${at}, ${at})`.execute(database.db);
    const old = await new MeetingStore(database.db).findById(id);
    assert.deepEqual([old?.e2ee, old?.e2eeAnchorKey], [false, null]);
    await assert.rejects(
      database.db
        .updateTable('meetings')
        .set({ e2ee: 2 as 1 })
        .where('id', '=', id)
        .execute(),
    );
  });

  test('timestamps round-trip exactly and compare in time order', async () => {
    const store = new MeetingStore(database.db);
    const early = meeting({ extension: '555555', createdAt: '2026-01-01T09:00:00.000Z' });
    const late = meeting({ extension: '666666', createdAt: '2026-01-01T10:00:00.000Z' });
    await store.insert(late);
    await store.insert(early);
    assert.equal((await store.findById(early.id))?.createdAt, '2026-01-01T09:00:00.000Z');
    const rows = await database.db
      .selectFrom('meetings')
      .select('id')
      .where('created_at', '<', '2026-01-01T09:30:00.000Z')
      .where('id', 'in', [early.id, late.id])
      .execute();
    assert.deepEqual(
      rows.map((r) => r.id),
      [early.id],
    );
  });

  test('MEET-ADD: a call rings a person or a room system, never both nor neither, and a room system only into a meeting', async () => {
    const room = newId();
    await database.db
      .insertInto('room_systems')
      .values({ id: room, organisation_id: orgA, name: 'Boardroom', hidden: 0, auto_join: 0, created_at: at })
      .execute();
    const call = (callee: string | null, calleeRoom: string | null, kind: 'direct' | 'add') =>
      database.db
        .insertInto('calls')
        .values({
          id: newId(),
          organisation_id: orgA,
          kind,
          caller_id: alice,
          callee_id: callee,
          callee_room_id: calleeRoom,
          meeting_id: null,
          state: 'ringing',
          created_at: at,
          expires_at: at,
          ended_at: null,
          seen: 0,
        })
        .execute();
    await call(alice, null, 'direct');
    await call(null, room, 'add');
    await assert.rejects(call(null, null, 'add'), 'nobody rung');
    await assert.rejects(call(alice, room, 'add'), 'both rung');
    await assert.rejects(call(null, room, 'direct'), 'a room system has no direct calls');
    await database.db.deleteFrom('room_systems').where('id', '=', room).execute();
    const left = await database.db
      .selectFrom('calls')
      .select('id')
      .where('callee_room_id', '=', room)
      .execute();
    assert.deepEqual(left, [], "a room system's calls go with it");
  });
});
