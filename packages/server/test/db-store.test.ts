import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AccountStore, GuestTokenStore, hashPassword } from '../src/auth';
import { DomainEvents, type UserPrincipal } from '../src/domain';
import { ManualClock } from '../src/common/clock';
import { newId } from '../src/common/ids';
import { isUniqueViolation, migrateToLatest } from '../src/db';
import { MeetingService, MeetingStore, type Meeting } from '../src/meetings';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('store', (kind) => {
  let database: TestDatabase;
  let accounts: AccountStore;
  const clock = new ManualClock();
  const orgA = newId();
  const orgB = newId();
  const alice = newId();
  const at = clock.now().toISOString();

  const meeting = (over: Partial<Meeting>): Meeting => ({
    id: newId(),
    organisationId: orgA,
    ownerId: alice,
    name: 'Room',
    description: '',
    extension: '100000',
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
});
