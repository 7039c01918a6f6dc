// Usage report benchmark (issue 14, ADM-USAGE): how long a year's report takes when read from the
// hourly sums, against the same figures computed by going through every call record (the baseline,
// in the same run over the same data). The server's own stores on a fresh database (SQLite, or a
// throwaway PostgreSQL with BENCH_DATABASE=postgres); the records are written through the ledger's
// store as rooms write them (a join, then a leave), spread over a year.
//
// Environment: BENCH_PARTICIPATIONS (default 40000), BENCH_PEOPLE (default 200), BENCH_MEETINGS
// (default 300), BENCH_ROUNDS (timed reports of each kind, default 5), BENCH_DATABASE (sqlite | postgres).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThrowawayPostgres } from '../../scripts/lib/postgres.mjs';
import { ManualClock } from '../../packages/server/src/common/clock';
import { newId } from '../../packages/server/src/common/ids';
import { migrateToLatest, openPostgres, openSqlite, type DatabaseHandle } from '../../packages/server/src/db';

type Db = DatabaseHandle['db'];
import type { UserPrincipal } from '../../packages/server/src/domain';
import { CallRecordStore, UsageReports } from '../../packages/server/src/reports';
import { machine, report, round, summarise } from '../report';

const int = (name: string, fallback: number) =>
  Math.max(1, Math.round(Number(process.env[name] ?? fallback)));
const PARTICIPATIONS = int('BENCH_PARTICIPATIONS', 40_000);
const PEOPLE = int('BENCH_PEOPLE', 200);
const MEETINGS = int('BENCH_MEETINGS', 300);
const ROUNDS = int('BENCH_ROUNDS', 5);
const DATABASE = process.env.BENCH_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

/** A deterministic sequence, so every run seeds the same records. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(db: Db, store: CallRecordStore) {
  const organisationId = newId();
  const now = new Date(YEAR_START).toISOString();
  await db
    .insertInto('organisations')
    .values({ id: organisationId, name: 'Bench', created_at: now })
    .execute();
  const people = Array.from({ length: PEOPLE }, () => newId());
  await db
    .insertInto('users')
    .values(
      people.map((id, i) => ({
        id,
        organisation_id: organisationId,
        email: `person${i}@bench.test`,
        display_name: `Person ${i}`,
        role: 'user' as const,
        password_hash: null,
        hidden: 0 as const,
        revoked_at: null,
        created_at: now,
      })),
    )
    .execute();
  const meetings = Array.from({ length: MEETINGS }, () => newId());
  for (let i = 0; i < meetings.length; i += 100) {
    await db
      .insertInto('meetings')
      .values(
        meetings.slice(i, i + 100).map((id, j) => ({
          id,
          organisation_id: organisationId,
          owner_id: people[(i + j) % PEOPLE]!,
          name: `Meeting ${i + j}`,
          description: '',
          extension: String(100000 + i + j),
          e2ee: 0 as const,
          e2ee_anchor_key: null,
          passcode_hash: null,
          one_time: 0 as const,
          started_at: null,
          hidden: 0 as const,
          lobby: 'off' as const,
          recording_by_moderators: 0 as const,
          streaming: 0 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  // Calls of 2–12 people, 10–90 minutes, one after another in each meeting, across the year.
  const next = random(42);
  let written = 0;
  let n = 0;
  const started = performance.now();
  while (written < PARTICIPATIONS) {
    const meetingId = meetings[Math.floor(next() * MEETINGS)]!;
    const start = YEAR_START + Math.floor(next() * 364 * DAY);
    const length = (10 + Math.floor(next() * 80)) * 60_000;
    const size = Math.min(PARTICIPATIONS - written, 2 + Math.floor(next() * 11));
    const ids: string[] = [];
    for (let k = 0; k < size; k++) {
      const participantId = `p${++n}`;
      const guest = next() < 0.1;
      const joinedAt = new Date(start + Math.floor(next() * 5 * 60_000)).toISOString();
      await store.join(
        {
          participantId,
          meetingId,
          organisationId,
          subject: guest ? `g:${n}` : `u:${people[Math.floor(next() * PEOPLE)]!}`,
          joinedAt,
          mediaServer: 'janus-1',
          region: 'eu',
        },
        joinedAt,
      );
      ids.push(participantId);
    }
    for (const id of ids) await store.leave(id, new Date(start + length).toISOString());
    await store.endCall(meetingId, new Date(start + length).toISOString());
    written += size;
  }
  return { organisationId, seedS: round((performance.now() - started) / 1000, 1) };
}

/** What a report would be without the sums: every participation of the period read and added up. */
async function scanned(db: Db, organisationId: string, from: string, to: string) {
  const rows = await db
    .selectFrom('call_participants')
    .innerJoin('call_records', 'call_records.id', 'call_participants.call_id')
    .select(['call_records.meeting_id', 'subject', 'first_of_call', 'joined_at', 'left_at'])
    .where('call_participants.organisation_id', '=', organisationId)
    .where('joined_at', '<', to)
    .where('left_at', '>', from)
    .execute();
  const byUser = new Map<string, number>();
  const byMeeting = new Map<string, number>();
  let seconds = 0;
  // Rounded to the second at each end, as the sums are.
  const second = (ms: number) => Math.round(ms / 1000);
  for (const r of rows) {
    const s =
      second(Math.min(Date.parse(r.left_at!), Date.parse(to))) -
      second(Math.max(Date.parse(r.joined_at), Date.parse(from)));
    seconds += s;
    byUser.set(r.subject, (byUser.get(r.subject) ?? 0) + s);
    byMeeting.set(r.meeting_id, (byMeeting.get(r.meeting_id) ?? 0) + s);
  }
  return { rows: rows.length, minutes: Math.round(seconds / 6) / 10 };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

async function main() {
  const postgres = DATABASE === 'postgres' ? await startThrowawayPostgres() : null;
  const dir = mkdtempSync(join(tmpdir(), 'conclave-bench-reports-'));
  const handle = postgres ? openPostgres(postgres.url) : openSqlite(join(dir, 'conclave.db'));
  try {
    await migrateToLatest(handle.db);
    const store = new CallRecordStore(handle.db);
    const { organisationId, seedS } = await seed(handle.db, store);
    const clock = new ManualClock(new Date('2027-01-01T00:00:00Z'));
    const reports = new UsageReports(handle.db, store, clock);
    const caller: UserPrincipal = {
      kind: 'user',
      userId: 'bench',
      organisationId,
      displayName: 'Bench',
      role: 'superuser',
      sessionId: 'bench',
    };
    const year = { from: '2026-01-01', to: '2026-12-31', timeZone: 'Europe/Berlin' };
    const week = { from: '2026-06-01', to: '2026-06-07', timeZone: 'Europe/Berlin' };
    const measure = async (work: () => Promise<unknown>) => {
      await work();
      const samples: number[] = [];
      for (let i = 0; i < ROUNDS; i++) samples.push((await timed(work)).ms);
      return summarise(samples, 1);
    };
    const yearFromSums = await measure(() => reports.report(caller, year));
    const weekFromSums = await measure(() => reports.report(caller, week));
    const bounds = ['2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z'] as const;
    const yearScanned = await measure(() => scanned(handle.db, organisationId, ...bounds));
    const check = await reports.report(caller, year);
    const scan = await scanned(handle.db, organisationId, ...bounds);
    const usageRows = await handle.db
      .selectFrom('usage_sums')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    const speedup = round(yearScanned.median / yearFromSums.median, 1);
    await report(
      DATABASE === 'postgres' ? 'reports-postgres' : 'reports',
      {
        database: DATABASE,
        participations: PARTICIPATIONS,
        people: PEOPLE,
        meetings: MEETINGS,
        sumRows: Number(usageRows.n),
        scannedRows: scan.rows,
        minutesFromSums: check.totals.minutes,
        minutesScanned: scan.minutes,
        yearReportMs: yearFromSums,
        weekReportMs: weekFromSums,
        yearScanMs: yearScanned,
        speedup,
        seedS,
        machine: machine(),
      },
      `reports (${DATABASE}): a year's report over ${PARTICIPATIONS} participations in ${yearFromSums.median} ms (${Number(usageRows.n)} sums in all) vs ${yearScanned.median} ms going through every record (×${speedup}); a week ${weekFromSums.median} ms; minutes ${check.totals.minutes} = ${scan.minutes}`,
    );
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
    await postgres?.stop();
  }
}

await main();
