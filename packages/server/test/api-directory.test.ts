import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  DirectoryEntry,
  DirectoryMeetingEntry,
  DirectoryUserEntry,
  DirectoryView,
  MeetingView,
  SessionView,
} from '@conclave/protocol';
import {
  addOrganisation,
  addUser,
  PUBLIC_URL,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

describeEachDatabase('directory API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  /** Acme's Administrators, Superuser and Users; Olga is of another organisation. */
  let ada: TestClient;
  let zoe: TestClient;
  let sam: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let olga: TestClient;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { session, client } = await setUp(t);
    ada = client;
    [zoe, sam, bob, carol] = await signedInUsers(
      t,
      database,
      session.organisation.id,
      ['Zoe', 'Sam', 'Bob', 'Carol'],
      { Zoe: 'administrator', Sam: 'superuser' },
    );
    const globex = await addOrganisation(database, 'Globex');
    await addUser(database, globex, {
      email: 'olga@globex.test',
      password: 'Olga long password',
      displayName: 'Olga',
    });
    olga = await signedInClient(t, 'olga@globex.test', 'Olga long password');
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const search = async (who: TestClient, query: string): Promise<DirectoryView> => {
    const res = await who.get(`/api/directory?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<DirectoryView>();
  };
  const find = async (who: TestClient, q: string): Promise<DirectoryEntry[]> =>
    (await search(who, `q=${encodeURIComponent(q)}`)).entries;
  const meetings = async (who: TestClient, q: string) =>
    (await find(who, q)).filter((e): e is DirectoryMeetingEntry => e.kind === 'meeting');
  const people = async (who: TestClient, q: string) =>
    (await find(who, q)).filter((e): e is DirectoryUserEntry => e.kind === 'user');
  const idOf = async (client: TestClient) =>
    (await client.get('/api/auth/session')).json<SessionView>().user.id;
  const create = async (owner: TestClient, body: object) => {
    const res = await owner.post('/api/meetings', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const hideUser = async (by: TestClient, id: string, hidden: boolean) =>
    assert.equal((await by.patch(`/api/users/${id}`, { hidden })).statusCode, 200);

  test('MEET-DIRECTORY: a search finds people by name or email, meetings by name, description or extension, ignoring case', async () => {
    const m = await create(carol, {
      name: 'Quarterly Planning',
      description: 'Numbers for the third quarter',
    });
    for (const q of ['quarterly planning', 'PLAN', 'numbers FOR', m.extension]) {
      assert.deepEqual(
        await meetings(bob, q),
        [
          {
            kind: 'meeting',
            id: m.id,
            name: 'Quarterly Planning',
            description: 'Numbers for the third quarter',
            extension: m.extension,
            joinUrl: `${PUBLIC_URL}/m/${m.id}`,
            ownerName: 'Carol',
            e2ee: false,
            hasPasscode: false,
            oneTime: false,
            hidden: false,
            canHide: false,
            streaming: false,
            canSetStreaming: false,
          },
        ],
        `searching for ${q}`,
      );
    }
    const carolId = await idOf(carol);
    for (const q of ['carol', 'CAROL@ACME']) {
      assert.deepEqual(
        await people(bob, q),
        [
          {
            kind: 'user',
            id: carolId,
            displayName: 'Carol',
            email: 'carol@acme.test',
            role: 'user',
            hidden: false,
            canHide: false,
          },
        ],
        `searching for ${q}`,
      );
    }
    assert.deepEqual(await find(bob, 'no such thing anywhere'), []);
    const onlyPeople = await search(bob, 'kind=user&q=a');
    assert.ok(onlyPeople.entries.length > 0);
    assert.ok(onlyPeople.entries.every((e) => e.kind === 'user'));
    const onlyMeetings = await search(bob, 'kind=meeting&q=%20Planning%20');
    assert.deepEqual(
      onlyMeetings.entries.map((e) => e.id),
      [m.id],
      'the text is trimmed',
    );
  });

  test('MEET-DIRECTORY: without search text it lists the organisation, people first, each kind sorted by name', async () => {
    await create(bob, { name: 'Zeta review' });
    const { entries, truncated } = await search(bob, 'q=%20%20');
    assert.deepEqual(truncated, []);
    const names = entries.filter((e) => e.kind === 'user').map((e) => e.displayName);
    assert.deepEqual(names, ['Ada Admin', 'Bob', 'Carol', 'Sam', 'Zoe']);
    assert.equal(entries[0]?.kind, 'user');
    const last = entries.at(-1);
    assert.equal(last?.kind === 'meeting' && last.name, 'Zeta review');
  });

  test('MEET-DIRECTORY: entries of another organisation never appear, for any role', async () => {
    const globex = await create(olga, { name: 'Globex merger' });
    const acme = await create(bob, { name: 'Acme merger' });
    for (const who of [bob, sam, ada]) {
      assert.deepEqual(
        (await meetings(who, 'merger')).map((e) => e.id),
        [acme.id],
      );
      assert.deepEqual(await people(who, 'olga'), []);
      assert.deepEqual(await meetings(who, 'globex'), []);
      assert.ok(!(await meetings(who, globex.extension)).some((e) => e.id === globex.id), 'by extension');
    }
    assert.deepEqual(
      (await meetings(olga, 'merger')).map((e) => e.id),
      [globex.id],
    );
    assert.deepEqual(
      (await find(olga, '')).map((e) => (e.kind === 'user' ? e.displayName : e.name)),
      ['Olga', 'Globex merger'],
    );
  });

  test('MEET-DIRECTORY, MEET-HIDE: a hidden meeting is not found by other Users, and marked hidden for its owner, Superusers and Administrators', async () => {
    const m = await create(bob, { name: 'Skunkworks' });
    assert.equal((await bob.patch(`/api/meetings/${m.id}`, { hidden: true })).statusCode, 200);
    assert.deepEqual(await meetings(carol, 'skunk'), []);
    assert.ok(!(await find(carol, '')).some((e) => e.id === m.id), 'nor listed');
    for (const who of [bob, sam, ada, zoe]) {
      const [entry, ...more] = await meetings(who, 'skunk');
      assert.deepEqual([entry?.id, entry?.hidden, entry?.canHide, more.length], [m.id, true, true, 0]);
    }
    const oneTime = await create(bob, { name: 'Skunk exit talk', oneTime: true });
    assert.deepEqual(await meetings(carol, 'skunk'), []);
    const seen = (await meetings(ada, 'skunk exit')).map((e) => [e.id, e.oneTime, e.hidden, e.canHide]);
    assert.deepEqual(seen, [[oneTime.id, true, true, false]], 'a one-time meeting cannot be shown');
    assert.equal((await bob.patch(`/api/meetings/${m.id}`, { hidden: false })).statusCode, 200);
    assert.deepEqual(
      (await meetings(carol, 'skunkworks')).map((e) => [e.id, e.hidden]),
      [[m.id, false]],
    );
  });

  test('MEET-DIRECTORY: a hidden User or Superuser is found only by Superusers and Administrators, marked hidden', async () => {
    const [carolId, samId] = [await idOf(carol), await idOf(sam)];
    await hideUser(ada, carolId, true);
    await hideUser(ada, samId, true);
    try {
      for (const who of [bob, carol]) {
        assert.deepEqual(
          await people(who, 'carol'),
          [],
          'a User does not find a hidden User, not even themself',
        );
        assert.deepEqual(await people(who, 'sam'), []);
      }
      for (const who of [sam, ada, zoe]) {
        for (const [q, id] of [
          ['carol', carolId],
          ['sam', samId],
        ] as const) {
          const found = (await people(who, q)).map((e) => [e.id, e.hidden, e.canHide]);
          assert.deepEqual(found, [[id, true, true]]);
        }
      }
    } finally {
      await hideUser(ada, carolId, false);
      await hideUser(ada, samId, false);
    }
    assert.equal((await people(bob, 'carol')).length, 1);
  });

  test('MEET-DIRECTORY: a hidden Administrator is found only by that Administrator', async () => {
    const zoeId = await idOf(zoe);
    assert.deepEqual(
      (await people(ada, 'zoe')).map((e) => [e.hidden, e.canHide]),
      [[false, false]],
      'another Administrator is seen but not changed',
    );
    await hideUser(zoe, zoeId, true);
    try {
      for (const who of [bob, sam, ada]) assert.deepEqual(await people(who, 'zoe'), []);
      assert.deepEqual(
        (await people(zoe, 'zoe')).map((e) => [e.id, e.hidden, e.canHide]),
        [[zoeId, true, true]],
      );
    } finally {
      await hideUser(zoe, zoeId, false);
    }
  });

  test('MEET-DIRECTORY: % and _ in the search text match themselves, not any text', async () => {
    const percent = await create(bob, { name: 'Remote 100% week' });
    await create(bob, { name: 'Remote 1000 week' });
    const underscore = await create(bob, { name: 'Remote a_b test' });
    await create(bob, { name: 'Remote axb test' });
    const backslash = await create(bob, { name: 'Remote back\\slash' });
    const ids = async (q: string) => (await meetings(carol, q)).map((e) => e.id);
    assert.deepEqual(await ids('100%'), [percent.id]);
    assert.deepEqual(await ids('a_b'), [underscore.id]);
    assert.deepEqual(await ids('k\\s'), [backslash.id]);
    assert.deepEqual(await ids('%'), [percent.id]);
    assert.deepEqual(await ids('_'), [underscore.id]);
    assert.deepEqual(await ids('\\'), [backslash.id]);
  });

  test('MEET-DIRECTORY: at most 50 entries of a kind, the first by name, and the answer says there were more', async () => {
    const numbers = Array.from({ length: 52 }, (_, i) => String(i).padStart(2, '0')).reverse();
    for (const n of numbers) await create(sam, { name: `Standup ${n}` });
    const { entries, truncated } = await search(bob, 'q=standup');
    assert.deepEqual(truncated, ['meeting']);
    assert.deepEqual(
      entries.map((e) => (e.kind === 'user' ? e.displayName : e.name)),
      numbers
        .slice(2)
        .reverse()
        .map((n) => `Standup ${n}`),
    );
    await create(sam, { name: 'alpha Standup' });
    await create(sam, { name: 'Beta Standup' });
    const few = await search(bob, 'q=a%20standup');
    assert.deepEqual(
      few.entries.map((e) => (e.kind === 'meeting' ? e.name : '')),
      ['alpha Standup', 'Beta Standup'],
    );
    assert.deepEqual(few.truncated, []);
  });

  test('MEET-DIRECTORY: a bad query is refused with 400 validation_failed', async () => {
    for (const query of [
      `q=${'x'.repeat(101)}`,
      'kind=robot',
      'kind=',
      'q=a%00b',
      'q=a%E2%80%AEb',
      'q=a&q=b',
    ]) {
      const res = await bob.get(`/api/directory?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.equal(res.json<{ code: string }>().code, 'validation_failed', query);
    }
    assert.equal((await bob.get(`/api/directory?q=${'x'.repeat(100)}`)).statusCode, 200);
  });

  test('MEET-DIRECTORY: only signed-in users search the directory (401)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/directory?q=a' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json<{ code: string }>().code, 'unauthorized');
  });
});
