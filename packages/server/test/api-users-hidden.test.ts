import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DirectoryUserEntry, DirectoryView, SessionView } from '@conclave/protocol';
import {
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

const idOf = async (client: TestClient) =>
  (await client.get('/api/auth/session')).json<SessionView>().user.id;

describeEachDatabase('users API: hiding people from the directory', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  /** Administrators. */
  let ada: TestClient;
  let zoe: TestClient;
  /** Two Superusers and two Users. */
  let sam: TestClient;
  let sid: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let id: Record<'ada' | 'zoe' | 'sam' | 'sid' | 'bob' | 'carol', string>;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { session, client } = await setUp(t);
    ada = client;
    [zoe, sam, sid, bob, carol] = await signedInUsers(
      t,
      database,
      session.organisation.id,
      ['Zoe', 'Sam', 'Sid', 'Bob', 'Carol'],
      { Zoe: 'administrator', Sam: 'superuser', Sid: 'superuser' },
    );
    id = {
      ada: await idOf(ada),
      zoe: await idOf(zoe),
      sam: await idOf(sam),
      sid: await idOf(sid),
      bob: await idOf(bob),
      carol: await idOf(carol),
    };
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const hide = (by: TestClient, userId: string, hidden = true) =>
    by.patch(`/api/users/${userId}`, { hidden });
  /** Whether `userId` is hidden, as an Administrator's directory says. */
  const hiddenNow = async (userId: string) => {
    const { entries } = (await ada.get('/api/directory?kind=user')).json<DirectoryView>();
    return entries.find((e) => e.id === userId)?.hidden;
  };
  const codeOf = (res: { json<T>(): T }) => res.json<{ code: string }>().code;

  test('MEET-DIRECTORY: a Superuser hides and shows a User, another Superuser and themself', async () => {
    for (const target of [id.bob, id.sid, id.sam]) {
      const res = await hide(sam, target);
      assert.equal(res.statusCode, 200, res.body);
      const entry = res.json<DirectoryUserEntry>();
      assert.deepEqual([entry.id, entry.hidden, entry.canHide], [target, true, true]);
      assert.equal(await hiddenNow(target), true);
      assert.equal((await hide(sam, target, false)).statusCode, 200);
      assert.equal(await hiddenNow(target), false);
    }
  });

  test('MEET-DIRECTORY: a User may not hide anyone, themself included (403)', async () => {
    for (const target of [id.carol, id.bob, id.sam]) {
      const res = await hide(bob, target);
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(codeOf(res), 'forbidden');
      assert.equal(await hiddenNow(target), false);
    }
  });

  test('MEET-DIRECTORY: an Administrator hides Users, Superusers and themself, but no other Administrator', async () => {
    for (const target of [id.bob, id.sam, id.ada]) {
      assert.equal((await hide(ada, target)).statusCode, 200);
      assert.equal(await hiddenNow(target), true);
      assert.equal((await hide(ada, target, false)).statusCode, 200);
      assert.equal(await hiddenNow(target), false);
    }
    const res = await hide(zoe, id.ada);
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(codeOf(res), 'forbidden');
    assert.equal(await hiddenNow(id.ada), false);
  });

  test('MEET-DIRECTORY: a Superuser cannot hide an Administrator (403)', async () => {
    const res = await hide(sam, id.ada);
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(codeOf(res), 'forbidden');
    assert.equal(await hiddenNow(id.ada), false);
  });

  test('MEET-DIRECTORY: someone the caller cannot see is 404: another organisation, a hidden Administrator, no one', async () => {
    const other = await addOrganisation(database, 'Globex');
    await addUser(database, other, {
      email: 'olga@globex.test',
      password: 'Olga long password',
      displayName: 'Olga',
    });
    const olga = await signedInClient(t, 'olga@globex.test', 'Olga long password');
    const olgaId = await idOf(olga);
    for (const res of [
      await hide(ada, olgaId),
      await hide(olga, id.bob),
      await hide(ada, '0190f0e4-0000-7000-8000-000000000000'),
      await hide(ada, 'not%20an%20id'),
    ]) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(codeOf(res), 'not_found');
    }
    // A hidden Administrator is not there for a Superuser, so refusing must not tell them otherwise.
    assert.equal((await hide(zoe, id.zoe)).statusCode, 200);
    const res = await hide(sam, id.zoe, false);
    assert.equal(res.statusCode, 404, res.body);
    assert.equal((await hide(zoe, id.zoe, false)).statusCode, 200);
  });

  test('MEET-DIRECTORY: the request is checked: a boolean `hidden`, a session and its CSRF token', async () => {
    for (const body of [{}, { hidden: 'yes' }, { hidden: null }]) {
      const res = await ada.patch(`/api/users/${id.bob}`, body);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(codeOf(res), 'validation_failed');
    }
    const anonymous = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${id.bob}`,
      payload: { hidden: true },
    });
    assert.equal(anonymous.statusCode, 401);
    const noCsrf = await ada.patch(`/api/users/${id.bob}`, { hidden: true }, { csrf: false });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(codeOf(noCsrf), 'csrf_failed');
    assert.equal(await hiddenNow(id.bob), false);
  });
});
