import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addUser, setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const SECOND = 1000;
const HOUR = 3600_000;

/**
 * Password guessing is bounded per account and per address, counted before the password check runs,
 * and a stranger's guesses cannot lock the owner out (design: docs/architecture.md, "Sign-in limits").
 */
describeEachDatabase('sign-in limits', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let orgId: string;
  let n = 0;
  /** A fresh account per test, so the limits of one test do not spill into the next. */
  const account = async () => {
    const user = { email: `person${++n}@acme.test`, password: `long password ${n}`, displayName: `P${n}` };
    await addUser(database, orgId, user);
    return user;
  };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    orgId = (await setUp(t)).session.organisation.id;
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('IAM-LOCAL: a burst of 30 parallel guesses from one address gets only 5 password checks', async () => {
    const victim = await account();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new TestClient(t.app, '198.51.100.7').signIn(victim.email, `guess ${i}`),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 401).length, 5, `statuses: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 25);
  });

  test('IAM-LOCAL: an address over its limit is refused before any account is looked up', async () => {
    const spray = '198.51.100.44';
    for (let i = 0; i < 30; i++) {
      const res = await new TestClient(t.app, spray).signIn(`nobody${i}@acme.test`, 'Winter2026!');
      assert.equal(res.statusCode, 401);
    }
    const accounts = t.services.auth.accounts;
    const lookup = accounts.findUserByEmail.bind(accounts);
    let lookups = 0;
    accounts.findUserByEmail = (email) => {
      lookups++;
      return lookup(email);
    };
    try {
      const refused = await new TestClient(t.app, spray).signIn('nobody99@acme.test', 'Winter2026!');
      assert.equal(refused.statusCode, 429);
      assert.equal(lookups, 0, 'a refused attempt costs no database work');
      assert.equal((await new TestClient(t.app, '198.51.100.45').signIn('x@acme.test', 'y')).statusCode, 401);
      assert.equal(lookups, 1);
    } finally {
      accounts.findUserByEmail = lookup;
    }
  });

  test('IAM-LOCAL: guesses from one address wait longer and longer, and the owner elsewhere is not locked out', async () => {
    const victim = await account();
    const attacker = '198.51.100.20';
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await new TestClient(t.app, attacker).signIn(victim.email, `guess ${i}`)).statusCode,
        401,
      );
    }
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const limited = await new TestClient(t.app, attacker).signIn(victim.email, 'another guess');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().code, 'rate_limited');
      assert.match(
        limited.json().message,
        /^Too many sign-in attempts\. Try again in \d+ (seconds?|minutes?)\.$/,
      );
      const wait = Number(limited.headers['retry-after']);
      waits.push(wait);
      // Meanwhile the owner, from their own address and a browser that never signed in, gets in.
      const owner = await new TestClient(t.app, '203.0.113.55').signIn(victim.email, victim.password);
      assert.equal(owner.statusCode, 200, 'the owner is not locked out by a stranger');
      t.clock.advance(wait * SECOND);
      assert.equal((await new TestClient(t.app, attacker).signIn(victim.email, 'guess')).statusCode, 401);
    }
    assert.ok(waits[0]! >= 30 && waits[1]! > waits[0]! && waits[2]! > waits[1]!, `waits ${waits.join(', ')}`);
  });

  test('IAM-LOCAL: guessing one account from many addresses is capped; the owner’s own browser still signs in', async () => {
    const victim = await account();
    const ownBrowser = new TestClient(t.app, '203.0.113.60');
    assert.equal((await ownBrowser.signIn(victim.email, victim.password)).statusCode, 200);
    assert.ok(ownBrowser.deviceCookie, 'a successful sign-in marks the browser as trusted');
    await ownBrowser.post('/api/auth/sign-out');

    // 50 failures an hour from unknown browsers, whatever their addresses; then they wait.
    for (let i = 0; i < 50; i++) {
      const res = await new TestClient(t.app, `192.0.2.${i + 1}`).signIn(victim.email, `guess ${i}`);
      assert.equal(res.statusCode, 401, `guess ${i}`);
    }
    const capped = await new TestClient(t.app, '192.0.2.200').signIn(victim.email, 'one more guess');
    assert.equal(capped.statusCode, 429);
    // Even the right password from a browser never used before waits: it could be a lucky guess.
    const fresh = await new TestClient(t.app, '203.0.113.61').signIn(victim.email, victim.password);
    assert.equal(fresh.statusCode, 429);
    // The owner's own browser is not affected, from any address.
    ownBrowser.remoteAddress = '203.0.113.62';
    assert.equal((await ownBrowser.signIn(victim.email, victim.password)).statusCode, 200);
    // Another account's cookie does not count as trusted for this one.
    const other = await account();
    const otherBrowser = new TestClient(t.app, '203.0.113.63');
    assert.equal((await otherBrowser.signIn(other.email, other.password)).statusCode, 200);
    await otherBrowser.post('/api/auth/sign-out');
    assert.equal((await otherBrowser.signIn(victim.email, victim.password)).statusCode, 429);

    t.clock.advance(HOUR);
    assert.equal(
      (await new TestClient(t.app, '203.0.113.64').signIn(victim.email, victim.password)).statusCode,
      200,
    );
  });

  test('IAM-LOCAL: a trusted browser that keeps failing is limited too', async () => {
    const victim = await account();
    const browser = new TestClient(t.app, '203.0.113.70');
    assert.equal((await browser.signIn(victim.email, victim.password)).statusCode, 200);
    await browser.post('/api/auth/sign-out');
    for (let i = 0; i < 10; i++) {
      assert.equal((await browser.signIn(victim.email, `guess ${i}`)).statusCode, 401);
    }
    assert.equal((await browser.signIn(victim.email, victim.password)).statusCode, 429);
  });
});
