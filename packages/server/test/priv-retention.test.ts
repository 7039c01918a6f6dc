import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { AuditPageView, ContractView, MeetingView, SessionView } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import type { Database } from '../src/db';
import { logsFolder } from '../src/http';
import { deleteOldLogFiles, JobLeases, RetentionJob, type RetentionRun } from '../src/retention';
import {
  ADMIN,
  addOrganisation,
  addUser,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  TestClient,
  type TestApp,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { pairedScreen } from './support/room-screen';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe('PRIV-RETENTION: server logs are deleted after 30 days', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'conclave-logs-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('PRIV-RETENTION: the log file of a day goes once its last line is 30 days old (day 31), never at day 30; nothing else in the folder is touched', async () => {
    const names = [
      'conclave-2026-01-01.log',
      'conclave-2026-01-02.log',
      'conclave-2026-01-31.log',
      // Not names the server writes: never deleted, however old they look.
      'conclave-2025-12-01.log.gz',
      'conclave-2025-02-30.log',
      'notes-2025-12-01.log',
      'conclave-2025-12-01.txt',
    ];
    for (const name of names) writeFileSync(join(dir, name), '{"msg":"x"}\n');
    const left = () => readdirSync(dir).sort();

    // 1 February 2026, a millisecond before midnight: the 1 January file is 30 days (and a bit) old.
    assert.deepEqual(await deleteOldLogFiles(dir, new Date('2026-01-31T23:59:59.999Z')), []);
    assert.deepEqual(left(), [...names].sort(), 'day 30: everything stays');

    // Midnight: every line of 1 January is now at least 30 days old.
    assert.deepEqual(await deleteOldLogFiles(dir, new Date('2026-02-01T00:00:00.000Z')), [
      'conclave-2026-01-01.log',
    ]);
    assert.deepEqual(
      left(),
      names.filter((n) => n !== 'conclave-2026-01-01.log').sort(),
      'day 31: only that file went; the 2 January one is 30 days old and stays',
    );

    assert.deepEqual(await deleteOldLogFiles(dir, new Date('2026-03-03T00:00:00.000Z')), [
      'conclave-2026-01-02.log',
      'conclave-2026-01-31.log',
    ]);
    assert.deepEqual(left(), names.slice(3).sort(), 'the names it does not write are all still there');
    assert.deepEqual(await deleteOldLogFiles(join(dir, 'none'), new Date()), [], 'no folder, no work');
  });
});

/** Every value of every row of every table, by table, as text (ids, times, names…). */
async function everything(db: Kysely<Database>): Promise<Map<string, Array<Record<string, unknown>>>> {
  const tables = await db.introspection.getTables();
  const all = new Map<string, Array<Record<string, unknown>>>();
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    all.set(table.name, rows);
  }
  return all;
}

/** The rows (as JSON) of each table that hold any of these values in any column. */
async function rowsHolding(db: Kysely<Database>, values: ReadonlySet<string>) {
  const found: Record<string, string[]> = {};
  for (const [table, rows] of await everything(db)) {
    const holding = rows
      .filter((row) => Object.values(row).some((v) => typeof v === 'string' && values.has(v)))
      .map((row) => JSON.stringify(row));
    if (holding.length > 0) found[table] = holding.sort();
  }
  return found;
}

/** Every file under `folder`, as paths relative to it. */
function filesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describeEachDatabase(
  'PRIV-RETENTION: an organisation’s data is deleted 180 days after its contract ended',
  (kind) => {
    let database: TestDatabase;
    let t: TestApp;
    let clock: ManualClock;
    let ada: TestClient;
    let acme: string;
    let globex: string;
    /** Every id Acme's data is known by: after the deletion, no table may hold any of them. */
    const acmeIds = new Set<string>();
    const globexIds = new Set<string>();
    let globexRows: Record<string, string[]>;
    /** The session of Acme's paired room screen, which must end with it. */
    let roomSessionId: string;
    const recordingIds: Record<'acme' | 'globex', string> = { acme: '', globex: '' };

    const job = () =>
      new RetentionJob({
        leases: t.services.jobLeases,
        purge: t.services.organisationPurge,
        logsFolder: logsFolder(t.config.dataDir),
        clock,
        logger: t.app.log,
      });

    async function recording(organisationId: string, ownerId: string, meeting: MeetingView): Promise<string> {
      const id = `rec-${randomBytes(8).toString('hex')}`;
      await t.services.recordings.add({
        id,
        organisationId,
        meetingId: meeting.id,
        meetingName: meeting.name,
        ownerId,
        startedById: ownerId,
        startedByName: 'Someone',
        startedAt: clock.now().toISOString(),
        endedAt: null,
        status: 'recording',
        size: 0,
        store: 'default',
        visibility: 'owner',
        linkHash: null,
      });
      const writer = t.services.recordingStorages.of('default')!.createWriter(organisationId, id);
      await writer.write(randomBytes(64 * 1024));
      await writer.finish();
      await t.services.recordings.end(id, 'ready', clock.now().toISOString(), 64 * 1024);
      return id;
    }

    /** The ids of the organisation's own rows, as its tables name them. */
    async function idsOf(organisationId: string, into: Set<string>) {
      into.add(organisationId);
      const db = database.db;
      for (const table of [
        'users',
        'meetings',
        'recordings',
        'conversations',
        'calls',
        'invitations',
      ] as const) {
        const rows = await db
          .selectFrom(table)
          .select('id')
          .where('organisation_id', '=', organisationId)
          .execute();
        for (const r of rows) into.add(r.id);
      }
      const sessions = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.id')
        .where('users.organisation_id', '=', organisationId)
        .execute();
      for (const s of sessions) into.add(s.id);
    }

    before(async () => {
      database = await createTestDatabase(kind);
      clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
      t = await startTestApp(database, { clock });
      const done = await setUp(t);
      ada = done.client;
      acme = done.session.organisation.id;
      const [bob, carol] = await signedInUsers(t, database, acme, ['Bob', 'Carol']);
      const userId = async (c: TestClient) => (await c.get('/api/auth/session')).json<SessionView>().user.id;
      const [bobId, carolId] = [await userId(bob), await userId(carol)];

      // Acme: meetings, settings, chat, a call, an invitation, a recording, the mark of an ended
      // one-time meeting, and the audit log of it all.
      const meeting = (await bob.post('/api/meetings', { name: 'Board review' })).json<MeetingView>();
      await ada.post('/api/meetings', { name: 'All hands' });
      assert.equal(
        (await ada.patch('/api/settings', { chat: { enabled: true }, layouts: { default: 'speaker' } }))
          .statusCode,
        200,
      );
      const conversation = await bob.post('/api/chat/conversations', { kind: 'direct', userId: carolId });
      assert.equal(conversation.statusCode, 201, conversation.body);
      const conversationId = conversation.json<{ id: string }>().id;
      assert.equal(
        (await bob.post(`/api/chat/conversations/${conversationId}/messages`, { body: 'Hello' })).statusCode,
        201,
      );
      assert.equal((await bob.post('/api/calls', { calleeId: carolId })).statusCode, 201);
      assert.equal(
        (await ada.post('/api/users/invitations', { email: 'newcomer@acme.test', role: 'user' })).statusCode,
        201,
      );
      recordingIds.acme = await recording(acme, bobId, meeting);
      const { room } = await pairedScreen(t.app, ada, 'Boardroom');
      const paired = await database.db
        .selectFrom('room_systems')
        .select('session_id')
        .where('id', '=', room.id)
        .executeTakeFirstOrThrow();
      roomSessionId = paired.session_id!;
      await database.db
        .insertInto('ended_meetings')
        .values({
          id: 'a7c3f9e0-0000-7000-8000-00000000e0e0',
          organisation_id: acme,
          ended_at: clock.now().toISOString(),
        })
        .execute();
      acmeIds.add('a7c3f9e0-0000-7000-8000-00000000e0e0');

      // Globex, on the same installation: its data must all stay.
      globex = await addOrganisation(database, 'Globex');
      await addUser(database, globex, {
        email: 'olga@globex.test',
        password: 'Olga long password',
        displayName: 'Olga',
      });
      await addUser(database, globex, {
        email: 'oscar@globex.test',
        password: 'Oscar long password',
        displayName: 'Oscar',
      });
      const olga = await signedInClient(t, 'olga@globex.test', 'Olga long password');
      const oscar = await signedInClient(t, 'oscar@globex.test', 'Oscar long password');
      const olgaMeeting = (await olga.post('/api/meetings', { name: 'Globex weekly' })).json<MeetingView>();
      const talk = (
        await olga.post('/api/chat/conversations', { kind: 'direct', userId: await userId(oscar) })
      ).json<{ id: string }>();
      await olga.post(`/api/chat/conversations/${talk.id}/messages`, { body: 'Hi Oscar' });
      recordingIds.globex = await recording(globex, await userId(olga), olgaMeeting);

      await idsOf(acme, acmeIds);
      await idsOf(globex, globexIds);
      assert.ok(acmeIds.has(bobId) && acmeIds.has(meeting.id) && acmeIds.has(recordingIds.acme));
      globexRows = await rowsHolding(database.db, globexIds);
    });
    after(async () => {
      await t?.close();
      await database?.close();
    });

    test('PRIV-RETENTION: ending the contract deletes nothing; 179 days and 23 hours later the job still deletes nothing', async () => {
      const before = await rowsHolding(database.db, acmeIds);
      const ended = await ada.put('/api/organisation/contract', { ended: true });
      assert.equal(ended.statusCode, 200, ended.body);
      assert.deepEqual(ended.json<ContractView>(), {
        endedAt: '2026-03-01T09:00:00.000Z',
        deletionDueAt: '2026-08-28T09:00:00.000Z',
      });
      const log = (await ada.get('/api/audit?action=organisation.contractEnded')).json<AuditPageView>();
      assert.equal(log.events.length, 1);

      clock.advance(180 * DAY - HOUR);
      const run = await job().run();
      assert.deepEqual(run.organisationsDeleted, []);
      assert.equal(run.leased, true);
      const now = await rowsHolding(database.db, acmeIds);
      // Rows may have changed meanwhile (the call was missed, the audit log grew), none is gone.
      for (const [table, rows] of Object.entries(before)) {
        assert.ok(
          (now[table]?.length ?? 0) >= rows.length,
          `${table}: ${now[table]?.length} of ${rows.length}`,
        );
      }
      assert.ok(
        filesUnder(t.config.dataDir).some((f) => f.includes(recordingIds.acme)),
        'its recording is stored',
      );
    });

    test('PRIV-RETENTION: at 180 days the organisation goes with every row of it in every table (people, sessions, meetings, chat, calls, recordings and their stored bytes, settings, audit log); another organisation keeps all of its own', async () => {
      clock.advance(HOUR);
      const ended: string[] = [];
      t.services.events.on('sessionEnded', (id) => ended.push(id));
      const run = await job().run();
      assert.equal(run.organisationsDeleted.length, 1);
      assert.equal(run.organisationsDeleted[0]!.id, acme);
      assert.ok(ended.includes(roomSessionId), 'its room screen’s live connections end too (ADM-ROOMS)');

      const remaining = await rowsHolding(database.db, acmeIds);
      assert.deepEqual(
        remaining,
        {},
        'no table holds a row of Acme, its people, meetings, sessions or chats',
      );
      const organisation = await database.db
        .selectFrom('organisations')
        .select('id')
        .where('id', '=', acme)
        .executeTakeFirst();
      assert.equal(organisation, undefined);
      assert.ok(
        !filesUnder(t.config.dataDir).some((f) => f.includes(recordingIds.acme)),
        'its recording’s sealed bytes are deleted from the store',
      );
      // Its Administrator's account is gone, and the installation it set up is empty again.
      const signIn = await new TestClient(t.app).signIn(ADMIN.email, ADMIN.password);
      assert.equal(signIn.statusCode, 409);
      assert.equal(signIn.json<{ code: string }>().code, 'setup_required');

      assert.deepEqual(await rowsHolding(database.db, globexIds), globexRows, 'Globex is untouched');
      assert.ok(filesUnder(t.config.dataDir).some((f) => f.includes(recordingIds.globex)));
      const sealed = await t.services.recordingStorages.of('default')!.open(globex, recordingIds.globex);
      assert.equal(sealed.size, 64 * 1024, 'Globex’s recording still opens');

      // What is left of the deletion is a log line, without a name or address in it.
      const line = t.logs.find((l) => l.includes('organisation deleted'));
      assert.ok(line, 'the deletion is logged');
      assert.equal((JSON.parse(line) as { organisationId?: string }).organisationId, acme);
      for (const personal of ['Acme', 'acme.test', 'Bob', 'Board review'])
        assert.ok(!line.includes(personal), personal);

      const again = await job().run();
      assert.deepEqual(again.organisationsDeleted, [], 'nothing is left to delete');
    });
  },
);

describeEachDatabase('PRIV-RETENTION: one runner at a time', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let clock: ManualClock;

  before(async () => {
    database = await createTestDatabase(kind);
    clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
    t = await startTestApp(database, { clock });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  /**
   * Runners over one database whose work waits until two runners have tried the lease: without it, the
   * first could finish and give the lease back before the second even asked.
   */
  function racingRunners(logFolders: string[]): RetentionJob[] {
    let tries = 0;
    let bothTried!: () => void;
    const tried = new Promise<void>((resolve) => (bothTried = resolve));
    const purge = t.services.organisationPurge;
    return logFolders.map((logsFolder) => {
      const leases = new JobLeases(database.db, clock);
      return new RetentionJob({
        leases: {
          take: async (name, holder, ttlMs) => {
            const got = await leases.take(name, holder, ttlMs);
            if (++tries === 2) bothTried();
            return got;
          },
          release: (name, holder) => leases.release(name, holder),
        },
        purge: {
          due: async () => {
            await tried;
            return purge.due();
          },
          purge: (id, log) => purge.purge(id, log),
        },
        logsFolder,
        clock,
        logger: t.app.log,
      });
    });
  }

  test('PRIV-RETENTION: of twenty nodes taking a free lease at the same moment exactly one gets it; it is refused while held, taken again once expired, and only its holder gives it back', async () => {
    const leases = new JobLeases(database.db, clock);
    const takers = Array.from({ length: 20 }, (_, i) => `node-${i}`);
    const got = await Promise.all(takers.map((h) => leases.take('race', h, 10 * 60_000)));
    assert.equal(got.filter(Boolean).length, 1, 'exactly one holder');
    const holder = takers[got.indexOf(true)]!;
    const other = takers.find((h) => h !== holder)!;

    assert.equal(await leases.take('race', other, 10 * 60_000), false, 'held');
    assert.equal(await leases.take('race', holder, 10 * 60_000), true, 'its holder extends it');
    clock.advance(10 * 60_000 - 1);
    assert.equal(await leases.take('race', other, 10 * 60_000), false, 'held until the last millisecond');
    await leases.release('race', other);
    assert.equal(await leases.take('race', other, 10 * 60_000), false, 'another cannot give it back');
    clock.advance(1);
    assert.equal(await leases.take('race', other, 10 * 60_000), true, 'expired: anyone may take it');
    await leases.release('race', other);
    assert.equal(await leases.take('race', holder, 10 * 60_000), true, 'given back: free at once');
    await leases.release('race', holder);
  });

  test('PRIV-RETENTION: two retention runners at once: one takes the lease and deletes the due organisations, the other deletes none; each clears its own node’s old logs', async () => {
    const due: string[] = [];
    for (const name of ['Initech', 'Umbrella', 'Hooli']) {
      const id = await addOrganisation(database, name);
      await addUser(database, id, {
        email: `someone@${name.toLowerCase()}.test`,
        password: 'a long password',
        displayName: name,
      });
      await database.db
        .updateTable('organisations')
        .set({ contract_ended_at: clock.now().toISOString() })
        .where('id', '=', id)
        .execute();
      due.push(id);
    }
    clock.advance(181 * DAY);
    const folders = [0, 1].map((i) => {
      const folder = join(database.dir, `node-${i}`, 'logs');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'conclave-2026-03-01.log'), '{}\n');
      return folder;
    });
    const runs: RetentionRun[] = await Promise.all(racingRunners(folders).map((r) => r.run()));
    assert.deepEqual(runs.map((r) => r.leased).sort(), [false, true], 'one runner held the lease');
    const deleted = runs.flatMap((r) => r.organisationsDeleted.map((o) => o.id));
    assert.deepEqual(deleted.sort(), [...due].sort(), 'each due organisation deleted once, by one runner');
    assert.deepEqual(
      runs.map((r) => r.logFilesDeleted),
      [['conclave-2026-03-01.log'], ['conclave-2026-03-01.log']],
    );
    const left = await database.db.selectFrom('organisations').select('id').where('id', 'in', due).execute();
    assert.deepEqual(left, []);
    const leases = await database.db.selectFrom('job_leases').selectAll().execute();
    assert.deepEqual(leases, [], 'the lease was given back for the next run');
  });
});
