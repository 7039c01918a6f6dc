import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import {
  DataKeys,
  loadMasterKeys,
  MASTER_KEY_FILE,
  SealError,
  UnknownMasterKeyError,
  Vault,
} from '../src/at-rest';
import type { MasterKeys } from '../src/at-rest';
import { open, seal } from '../src/at-rest/envelope';
import { masterKey } from '../src/at-rest/master-keys';
import { AccountStore } from '../src/auth';
import { loadConfig } from '../src/config';
import { configErrorOf } from './support/config-files';
import { ManualClock } from '../src/common/clock';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const key = () => randomBytes(32);

test('CHAT-AT-REST: AES-256-GCM seals a value for one context; another context, key or a changed byte does not open it', () => {
  const k = key();
  const sealed = seal(k, Buffer.from('hello'), 'message m1');
  assert.equal(open(k, sealed, 'message m1').toString(), 'hello');
  assert.throws(() => open(k, sealed, 'message m2'), SealError);
  assert.throws(() => open(key(), sealed, 'message m1'), SealError);
  const altered = Buffer.from(sealed);
  altered[altered.length - 20]! ^= 1;
  assert.throws(() => open(k, altered, 'message m1'), SealError);
  assert.throws(() => open(k, sealed.subarray(0, 10), 'message m1'), SealError);
  assert.notEqual(
    seal(k, Buffer.from('hello'), 'c').toString('hex'),
    seal(k, Buffer.from('hello'), 'c').toString('hex'),
  );
});

test('CHAT-AT-REST: without a configured master key one is made in the data folder on first start, readable by its owner only, and kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-master-'));
  try {
    const first = await loadMasterKeys({ configured: null, previous: [], dataDir: join(dir, 'data') });
    const file = join(dir, 'data', MASTER_KEY_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
    const again = await loadMasterKeys({ configured: null, previous: [], dataDir: join(dir, 'data') });
    assert.equal(again.current.id, first.current.id);
    const configured = randomBytes(32).toString('base64');
    const given = await loadMasterKeys({ configured, previous: [], dataDir: join(dir, 'data') });
    assert.deepEqual(given.current.key, Buffer.from(configured, 'base64'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CHAT-AT-REST: the master key is 32 bytes in base64, never echoed when wrong; earlier ones are a list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-config-'));
  try {
    const load = (env: Record<string, string>) => loadConfig(env, { cwd: dir });
    const good = randomBytes(32).toString('base64');
    const old = randomBytes(32).toString('base64');
    const config = load({ CONCLAVE_MASTER_KEY: good, CONCLAVE_MASTER_KEY_PREVIOUS: old });
    assert.deepEqual(config.atRest, { masterKey: good, previousMasterKeys: [old] });
    assert.deepEqual(load({}).atRest, { masterKey: null, previousMasterKeys: [] });
    const short = randomBytes(16).toString('base64');
    const message = configErrorOf(load, { CONCLAVE_MASTER_KEY: short }).message;
    assert.match(message, /CONCLAVE_MASTER_KEY.*32 bytes in base64/);
    assert.ok(!message.includes(short), 'the wrong key is not repeated');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describeEachDatabase('CHAT-AT-REST: data keys wrapped by the master key', (kind) => {
  let database: TestDatabase;
  const clock = new ManualClock();
  const orgA = 'org-a';
  const orgB = 'org-b';
  const masters = (current: Buffer, ...previous: Buffer[]): MasterKeys => ({
    current: masterKey(current),
    previous: previous.map(masterKey),
  });

  before(async () => {
    database = await createTestDatabase(kind);
    const accounts = new AccountStore(database.db);
    const at = clock.now().toISOString();
    await accounts.createOrganisation({ id: orgA, name: 'A', createdAt: at });
    await accounts.createOrganisation({ id: orgB, name: 'B', createdAt: at });
  });
  after(async () => {
    await database?.close();
  });

  test('a sealed text opens for its organisation and context only, and the database holds neither the text nor a data key in clear', async () => {
    const master = key();
    const vault = new Vault(new DataKeys(database.db, masters(master), clock));
    const secret = 'The quarterly figures are in the shared folder';
    const stored = await vault.seal(orgA, secret, 'message m1');
    assert.equal(await vault.open(orgA, stored, 'message m1'), secret);
    await assert.rejects(vault.open(orgA, stored, 'message m2'), SealError);
    await assert.rejects(vault.open(orgB, stored, 'message m1'), SealError, "another organisation's key");
    // A node started later with the same master key opens it too.
    assert.equal(
      await new Vault(new DataKeys(database.db, masters(master), clock)).open(orgA, stored, 'message m1'),
      secret,
    );

    const rows = await database.db
      .selectFrom('data_keys')
      .selectAll()
      .where('organisation_id', '=', orgA)
      .execute();
    assert.equal(rows.length, 1, 'one data key per organisation');
    const dump = JSON.stringify(rows) + stored;
    assert.ok(!dump.includes(secret) && !dump.includes(Buffer.from(secret).toString('base64')));
    const dataKey = (await new DataKeys(database.db, masters(master), clock).current(orgA)).key;
    assert.ok(!dump.includes(dataKey.toString('base64')) && !dump.includes(dataKey.toString('hex')));
  });

  test('two nodes making the first data key at once agree on one', async () => {
    const master = key();
    await database.db.deleteFrom('data_keys').where('organisation_id', '=', orgB).execute();
    const [a, b] = await Promise.all([
      new DataKeys(database.db, masters(master), clock).current(orgB),
      new DataKeys(database.db, masters(master), clock).current(orgB),
    ]);
    assert.equal(a.id, b.id);
    assert.deepEqual(a.key, b.key);
  });

  test('rotating the master key re-wraps the data keys, not what they sealed; afterwards the old master key is not needed', async () => {
    const oldMaster = key();
    const newMaster = key();
    await database.db.deleteFrom('data_keys').execute();
    const before = new Vault(new DataKeys(database.db, masters(oldMaster), clock));
    const stored = await before.seal(orgA, 'kept across the rotation', 'message m9');

    const rotating = new DataKeys(database.db, masters(newMaster, oldMaster), clock);
    assert.equal(await rotating.rewrap(), 1);
    assert.equal(await rotating.rewrap(), 0, 'nothing left under the old key');
    const [row] = await database.db.selectFrom('data_keys').select('master_key_id').execute();
    assert.equal(row?.master_key_id, masterKey(newMaster).id);

    const after = new Vault(new DataKeys(database.db, masters(newMaster), clock));
    assert.equal(await after.open(orgA, stored, 'message m9'), 'kept across the rotation');
    await assert.rejects(
      new Vault(new DataKeys(database.db, masters(oldMaster), clock)).open(orgA, stored, 'message m9'),
      UnknownMasterKeyError,
      'a node still on the old key says which key it lacks',
    );
    // The count of rows proves nothing was re-encrypted but the keys.
    const { count } = (
      await sql<{ count: number }>`select count(*) as count from data_keys`.execute(database.db)
    ).rows[0]!;
    assert.equal(Number(count), 1);
  });
});
