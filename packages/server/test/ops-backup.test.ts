import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Kysely } from 'kysely';
import { AccountStore, hashPassword } from '../src/auth';
import { runBackupCli } from '../src/backup';
import { newId } from '../src/common/ids';
import { openPostgres, openSqlite, type Database, type DatabaseHandle } from '../src/db';
import { MeetingStore } from '../src/meetings';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { runMain } from './support/main';

const at = '2026-12-01T09:00:00.000Z';

/** An organisation with its Administrator, a second user and two meetings, made through the real stores. */
async function seed(db: Kysely<Database>) {
  const accounts = new AccountStore(db);
  const org = { id: newId(), name: 'Acme Research' };
  const admin = newId();
  await accounts.completeSetup(
    org,
    {
      id: admin,
      organisationId: org.id,
      email: 'ada@acme.test',
      displayName: 'Ada Admin',
      role: 'administrator',
      passwordHash: await hashPassword('correct horse battery staple'),
      createdAt: at,
    },
    at,
  );
  await accounts.createUser({
    id: newId(),
    organisationId: org.id,
    email: 'bob@acme.test',
    displayName: 'Bob',
    role: 'user',
    passwordHash: null,
    createdAt: at,
  });
  const meetings = new MeetingStore(db);
  // The board meets end-to-end encrypted: a restore must bring back its flag and anchor key too.
  const anchorKey = Buffer.concat([Buffer.from([0x04]), Buffer.alloc(64, 7)]).toString('base64url');
  for (const [name, extension, e2ee] of [
    ['Weekly planning', '100001', false],
    ['Board', '100002', true],
  ] as const) {
    await meetings.insert({
      lobby: 'off',
      schedule: null,
      recordingByModerators: false,
      streaming: false,
      id: newId(),
      organisationId: org.id,
      ownerId: admin,
      name,
      description: `${name} meeting`,
      extension,
      e2ee,
      e2eeAnchorKey: e2ee ? anchorKey : null,
      // …and its passcode (MEET-PASSCODE), kept as a hash.
      passcodeHash: e2ee ? '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' : null,
      oneTime: false,
      startedAt: null,
      hidden: false,
      createdAt: at,
      updatedAt: at,
    });
  }
  return { orgId: org.id, adminId: admin };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

/** Everything a user would see of the seeded data, read back through the stores. */
async function visible(db: Kysely<Database>, { orgId, adminId }: Seeded) {
  const accounts = new AccountStore(db);
  return {
    setUp: await accounts.isSetUp(),
    organisation: await accounts.findOrganisation(orgId),
    ada: await accounts.findUserByEmail('ada@acme.test'),
    bob: await accounts.findUserByEmail('bob@acme.test'),
    carol: await accounts.findUserByEmail('carol@acme.test'),
    meetings: await new MeetingStore(db).listByOwner(orgId, adminId),
  };
}

/** Changes every kind of seeded data: renames, deletes, adds. */
async function change(db: Kysely<Database>, { orgId, adminId }: Seeded) {
  await db.updateTable('organisations').set({ name: 'Renamed' }).where('id', '=', orgId).execute();
  await db.deleteFrom('users').where('email', '=', 'bob@acme.test').execute();
  await new AccountStore(db).createUser({
    id: newId(),
    organisationId: orgId,
    email: 'carol@acme.test',
    displayName: 'Carol',
    role: 'user',
    passwordHash: null,
    createdAt: at,
  });
  const meetings = await new MeetingStore(db).listByOwner(orgId, adminId);
  await new MeetingStore(db).delete(meetings[0]!.id);
}

/** Runs `backup …` or `restore …` the way `npm run` does, against one database. */
async function cli(target: TestDatabase | { dir: string; url: string | null }, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBackupCli(argv, {
    env: target.url ? { DATABASE_URL: target.url } : { CONCLAVE_DATA_DIR: target.dir },
    cwd: target.dir,
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

function reopen(target: { dir: string; url: string | null }): DatabaseHandle {
  return target.url ? openPostgres(target.url, 2) : openSqlite(join(target.dir, 'conclave.db'));
}

describeEachDatabase('OPS-BACKUP: backup and restore', (kind) => {
  let service: TestDatabase;
  let fresh: TestDatabase;
  let seeded: Seeded;
  let original: Awaited<ReturnType<typeof visible>>;
  const files = mkdtempSync(join(tmpdir(), 'conclave-backups-'));
  const backupFile = join(files, kind === 'sqlite' ? 'conclave.sqlite' : 'conclave.pgdump');

  before(async () => {
    service = await createTestDatabase(kind);
    seeded = await seed(service.db);
    original = await visible(service.db, seeded);
  });
  after(async () => {
    await service?.close();
    await fresh?.close();
    rmSync(files, { recursive: true, force: true });
  });

  test(`OPS-BACKUP: a backup taken while the service runs holds its data (${kind})`, async () => {
    const r = await cli(service, 'backup', '--out', backupFile);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^Backed up the ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database `),
    );
    assert.match(r.stdout, /It holds: installation 1, meetings 2, organisations 1, users 2\.$/);
    assert.ok(existsSync(backupFile));
    assert.ok(!existsSync(`${backupFile}.partial`));

    const again = await cli(service, 'backup', '--out', backupFile);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; choose another name/);
  });

  test(`OPS-BACKUP: restore refuses a database in use, and --force restores into it (${kind})`, async () => {
    await change(service.db, seeded);
    const changed = await visible(service.db, seeded);
    assert.notDeepEqual(changed, original);

    const refused = await cli(service, 'restore', backupFile);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Refused, nothing was changed: .* is in use.*--force/);
    assert.deepEqual(await visible(service.db, seeded), changed, 'a refused restore changes nothing');

    const forced = await cli(service, 'restore', backupFile, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /It now holds: installation 1, meetings 2, organisations 1, users 2\./);
    assert.match(forced.stdout, /It replaced: installation 1, meetings 1, organisations 1, users 2/);
    assert.match(forced.stdout, /restart the service/);
    assert.deepEqual(
      await visible(service.db, seeded),
      original,
      'the running service reads the original data',
    );
    if (kind === 'sqlite') {
      const kept = forced.stdout.match(/a copy is kept as (\S+)\)/)?.[1];
      assert.ok(kept && existsSync(kept), forced.stdout);
    }
  });

  test(`OPS-BACKUP: restore into an empty database needs no --force; one that holds data is refused (${kind})`, async () => {
    fresh = await createTestDatabase(kind);
    // As after a fresh install, with the service stopped: nothing has the database open.
    await fresh.db.destroy();
    rmSync(join(fresh.dir, 'conclave.db'), { force: true });

    const restored = await cli(fresh, 'restore', backupFile);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /The database held no data before\./);
    const handle = reopen(fresh);
    try {
      assert.deepEqual(await visible(handle.db, seeded), original);
    } finally {
      await handle.close();
    }

    const again = await cli(fresh, 'restore', backupFile);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /^Refused, nothing was changed: .* holds data \(installation 1, meetings 2, organisations 1, users 2\), which restoring would replace\..*--force/,
    );
  });
});

test('OPS-BACKUP: restore rejects files that are not a backup for the configured database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-backup-files-'));
  try {
    const target = { dir, url: null };
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const text = await cli(target, 'restore', join(dir, 'notes.txt'));
    assert.equal(text.code, 1);
    assert.match(text.stderr, /notes\.txt is not a Conclave backup/);

    writeFileSync(join(dir, 'other.pgdump'), 'PGDMP\u0001\u000e\u0000');
    const pgDump = await cli(target, 'restore', join(dir, 'other.pgdump'));
    assert.equal(pgDump.code, 1);
    assert.match(
      pgDump.stderr,
      /is a PostgreSQL backup, but the configured database is the SQLite file .*DATABASE_URL/,
    );

    const missing = await cli(target, 'restore', join(dir, 'nothing-here'));
    assert.match(missing.stderr, /cannot read .*nothing-here \(ENOENT\)/);

    const usage = await cli(target, 'restore');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /restore takes one backup FILE[\s\S]*Usage:/);
    assert.ok(!existsSync(join(dir, 'conclave.db')), 'no database was created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('OPS-BACKUP: the command reads the server configuration and writes FILE where npm was run', async () => {
  const service = await createTestDatabase('sqlite');
  const here = mkdtempSync(join(tmpdir(), 'conclave-backup-cli-'));
  try {
    await seed(service.db);
    const configFile = join(service.dir, 'conclave.json');
    writeFileSync(configFile, '{ "dataDir": "." } // relative to this file');
    const r = runMain(
      { CONCLAVE_CONFIG: configFile, INIT_CWD: here },
      ['backup', '--out', 'b.sqlite'],
      'backup-main.ts',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^Backed up the SQLite database ${join(service.dir, 'conclave.db')} to ${join(here, 'b.sqlite')} `,
      ),
    );
    assert.ok(existsSync(join(here, 'b.sqlite')));
  } finally {
    await service.close();
    rmSync(here, { recursive: true, force: true });
  }
});
