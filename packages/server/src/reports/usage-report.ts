import type { Kysely } from 'kysely';
import {
  MAX_REPORT_DAYS,
  usageQuerySchema,
  type UsageDay,
  type UsageQuery,
  type UsageReport,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import type { Database } from '../db';
import { DELETED_PERSON, type UserPrincipal } from '../domain';
import { secondsByHour, spanRanges, usageSubject } from './hours';
import type { CallRecordStore, OpenParticipation } from './store';
import { datesBetween, firstHourOf, nextDate } from './zones';

interface Sums {
  held: number;
  participants: number;
  seconds: number;
}

const sumsByKey = (
  rows: ReadonlyArray<{
    key: string;
    held: number | string;
    participants: number | string;
    seconds: number | string;
  }>,
) =>
  new Map(
    rows.map((r) => [
      r.key,
      { held: Number(r.held), participants: Number(r.participants), seconds: Number(r.seconds) },
    ]),
  );

/** Which day an hour in the period counts on: the last whose first hour is not after it. */
function dayIndex(bounds: readonly number[], hour: number): number {
  let lo = 0;
  let hi = bounds.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid]! <= hour) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const minutes = (seconds: number) => Math.round(seconds / 6) / 10;

const add = (into: Map<string, Sums>, key: string, sums: Partial<Sums>) => {
  const s = into.get(key) ?? { held: 0, participants: 0, seconds: 0 };
  s.held += sums.held ?? 0;
  s.participants += sums.participants ?? 0;
  s.seconds += sums.seconds ?? 0;
  into.set(key, s);
};

/**
 * Usage reports for Superusers and Administrators (ADM-USAGE), read from the hourly sums (never by
 * going through every call record), plus the time of meetings going on now.
 */
export class UsageReports {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly records: CallRecordStore,
    private readonly clock: Clock,
  ) {}

  async report(caller: UserPrincipal, query: UsageQuery): Promise<UsageReport> {
    authorize(caller, 'reports.view', ORGANISATION, 'Only Superusers and Administrators see usage reports');
    const { from, to, timeZone } = usageQuerySchema.parse(query);
    const dates = from <= to ? datesBetween(from, to) : [];
    if (dates.length === 0 || dates.length > MAX_REPORT_DAYS) {
      throw new AppError(
        400,
        'validation_failed',
        `A report covers 1 to ${MAX_REPORT_DAYS} days, "from" not after "to"`,
      );
    }
    // Where each day begins, and the end of the last: a day's hours lie between two of these.
    const bounds = [...dates, nextDate(to)].map((date) => firstHourOf(date, timeZone));
    const start = bounds[0]!;
    const end = bounds.at(-1)!;
    const org = caller.organisationId;
    const [hours, subjects, meetings] = await Promise.all([
      this.hours(org, start, end),
      this.sums(org, start, end, 'subject'),
      this.sums(org, start, end, 'meeting'),
    ]);
    const guests = subjects.get('guest')?.participants ?? 0;
    // Meetings going on now: their time so far is in no sum yet.
    for (const open of await this.records.openParticipations(org)) {
      for (const piece of this.pendingSeconds(open, start, end)) {
        add(hours, piece.hour, { seconds: piece.seconds });
        add(subjects, usageSubject(open.subject), { seconds: piece.seconds });
        add(meetings, open.meetingId, { seconds: piece.seconds });
      }
    }
    const byDay = new Map<string, Sums>();
    for (const [hour, sums] of hours) add(byDay, dates[dayIndex(bounds, Date.parse(hour))]!, sums);
    const days: UsageDay[] = dates.map((date) => {
      const s = byDay.get(date);
      return {
        date,
        meetings: s?.held ?? 0,
        participants: s?.participants ?? 0,
        minutes: minutes(s?.seconds ?? 0),
      };
    });
    const total = [...hours.values()].reduce(
      (t, s) => ({
        held: t.held + s.held,
        participants: t.participants + s.participants,
        seconds: t.seconds + s.seconds,
      }),
      { held: 0, participants: 0, seconds: 0 },
    );
    return {
      from,
      to,
      timeZone,
      totals: {
        meetings: total.held,
        participants: total.participants,
        minutes: minutes(total.seconds),
        guests,
      },
      days,
      users: await this.users(org, subjects),
      meetings: await this.meetings(org, meetings),
      roomSystems: await this.roomSystems(org, subjects),
    };
  }

  /** Room systems (ADM-ROOMS) take part under r:<id>, named as they are now; one deleted since, as such. */
  private async roomSystems(
    organisationId: string,
    subjects: Map<string, Sums>,
  ): Promise<UsageReport['roomSystems']> {
    const rooms = [...subjects].filter(([s]) => s.startsWith('r:'));
    const ids = rooms.map(([s]) => s.slice(2));
    const names = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('room_systems')
        .select(['id', 'name'])
        .where('organisation_id', '=', organisationId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return rooms
      .map(([s, sums]) => ({
        roomSystemId: s.slice(2),
        name: names.get(s.slice(2)) ?? 'Deleted room system',
        meetings: sums.participants,
        minutes: minutes(sums.seconds),
      }))
      .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name));
  }

  /** The organisation's sums of each hour from `start` to `end`. */
  private async hours(organisationId: string, start: number, end: number): Promise<Map<string, Sums>> {
    const rows = await this.db
      .selectFrom('usage_sums')
      .select(['start as key', 'held', 'participants', 'seconds'])
      .where('organisation_id', '=', organisationId)
      .where('dimension', '=', 'organisation')
      .where('span', '=', 'hour')
      .where('start', '>=', new Date(start).toISOString())
      .where('start', '<', new Date(end).toISOString())
      .execute();
    return sumsByKey(rows);
  }

  /** Each meeting's or subject's sums from `start` to `end`, read from the coarsest spans that fit. */
  private async sums(
    organisationId: string,
    start: number,
    end: number,
    dimension: 'meeting' | 'subject',
  ): Promise<Map<string, Sums>> {
    const total = new Map<string, Sums>();
    // One query a span: each reads a range of the primary key.
    for (const r of spanRanges(start, end)) {
      const rows = await this.db
        .selectFrom('usage_sums')
        .select((eb) => [
          'key',
          eb.fn.sum<number | string>('held').as('held'),
          eb.fn.sum<number | string>('participants').as('participants'),
          eb.fn.sum<number | string>('seconds').as('seconds'),
        ])
        .where('organisation_id', '=', organisationId)
        .where('dimension', '=', dimension)
        .where('span', '=', r.span)
        .where('start', '>=', r.from)
        .where('start', '<', r.to)
        .groupBy('key')
        .execute();
      for (const [key, sums] of sumsByKey(rows)) add(total, key, sums);
    }
    return total;
  }

  private pendingSeconds(open: OpenParticipation, start: number, end: number) {
    const from = Math.max(Date.parse(open.joinedAt), start);
    const to = Math.min(this.clock.now().getTime(), end);
    return from < to ? secondsByHour(new Date(from), new Date(to)) : [];
  }

  /** The people in the sums, named as they are now; someone deleted is a placeholder. */
  private async users(organisationId: string, subjects: Map<string, Sums>): Promise<UsageReport['users']> {
    const people = [...subjects].filter(([s]) => s.startsWith('u:') || s.startsWith('x:'));
    const ids = people.filter(([s]) => s.startsWith('u:')).map(([s]) => s.slice(2));
    const named = new Map<string, { display_name: string; email: string }>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('users')
        .select(['id', 'display_name', 'email'])
        .where('organisation_id', '=', organisationId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) named.set(r.id, r);
    }
    return people
      .map(([s, sums]) => {
        const user = s.startsWith('u:') ? named.get(s.slice(2)) : undefined;
        return {
          userId: user ? s.slice(2) : null,
          displayName: user?.display_name ?? DELETED_PERSON,
          email: user?.email ?? null,
          meetings: sums.participants,
          minutes: minutes(sums.seconds),
        };
      })
      .sort((a, b) => b.minutes - a.minutes || a.displayName.localeCompare(b.displayName));
  }

  private async meetings(organisationId: string, sums: Map<string, Sums>): Promise<UsageReport['meetings']> {
    const ids = [...sums.keys()];
    const names = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('meetings')
        .select(['id', 'name'])
        .where('organisation_id', '=', organisationId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return [...sums]
      .map(([meetingId, s]) => ({
        meetingId,
        name: names.get(meetingId) ?? 'Deleted meeting',
        held: s.held,
        participants: s.participants,
        minutes: minutes(s.seconds),
      }))
      .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name));
  }
}
