import type { Kysely, Transaction } from 'kysely';
import { NO_PLATFORM_EVENTS, type Attendance, type PlatformEvents } from '../domain';
import type { Database } from '../db';
import { newId } from '../common/ids';
import { hourOf, secondsByHour, spansOf, usageSubject, type Span } from './hours';

type UsageDimension = 'organisation' | 'meeting' | 'subject';

type Tx = Transaction<Database> | Kysely<Database>;

interface UsageDelta {
  organisation_id: string;
  hour: string;
  meeting_id: string;
  subject: string;
  held?: number;
  participants?: number;
  seconds?: number;
}

/** A participation still open: for reports that reach up to now. */
export interface OpenParticipation {
  meetingId: string;
  subject: string;
  firstOfCall: boolean;
  joinedAt: string;
}

/**
 * The call records (PRIV-CDR) and the hourly usage sums made from them (ADM-USAGE). Each change to
 * a record and to the sums it adds to is one transaction: a report never counts half a leave. The
 * meetings started and ended and the participations begun and ended are told to `events` in that
 * transaction (webhooks), once each, however often a node reports them.
 */
export class CallRecordStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: PlatformEvents = NO_PLATFORM_EVENTS,
  ) {}

  /**
   * Records a participation once, however many times it is told (a node taking the meeting over
   * tells it again); a participation already recorded is only seen again.
   */
  async join(a: Attendance, seenAt: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const known = await tx
        .updateTable('call_participants')
        .set({ seen_at: seenAt })
        .where('participant_id', '=', a.participantId)
        .where('left_at', 'is', null)
        .executeTakeFirst();
      if (known.numUpdatedRows > 0n) return;
      const callId = await this.openCall(tx, a);
      const earlier = await tx
        .selectFrom('call_participants')
        .select('id')
        .where('call_id', '=', callId)
        .where('subject', '=', a.subject)
        .executeTakeFirst();
      const inserted = await tx
        .insertInto('call_participants')
        .values({
          id: newId(),
          call_id: callId,
          organisation_id: a.organisationId,
          participant_id: a.participantId,
          subject: a.subject,
          first_of_call: earlier ? 0 : 1,
          joined_at: a.joinedAt,
          left_at: null,
          seen_at: seenAt,
          media_server: a.mediaServer,
          region: a.region,
        })
        .onConflict((c) => c.column('participant_id').doNothing())
        .executeTakeFirst();
      if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return;
      await this.events.emit(tx, {
        type: 'participant.joined',
        organisationId: a.organisationId,
        meetingId: a.meetingId,
        participantId: a.participantId,
        subject: a.subject,
        at: a.joinedAt,
      });
      if (!earlier) {
        await addUsage(tx, [
          {
            organisation_id: a.organisationId,
            hour: hourOf(Date.parse(a.joinedAt)),
            meeting_id: a.meetingId,
            subject: usageSubject(a.subject),
            participants: 1,
          },
        ]);
      }
    });
  }

  /** Ends a participation at `at` and adds its time to the sums; one already ended stays as it was. */
  async leave(participantId: string, at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('call_participants')
        .innerJoin('call_records', 'call_records.id', 'call_participants.call_id')
        .select([
          'call_participants.id',
          'call_participants.organisation_id',
          'call_participants.subject',
          'call_participants.joined_at',
          'call_records.meeting_id',
        ])
        .where('call_participants.participant_id', '=', participantId)
        .where('call_participants.left_at', 'is', null)
        .executeTakeFirst();
      if (!row) return;
      const leftAt = at < row.joined_at ? row.joined_at : at;
      const ended = await tx
        .updateTable('call_participants')
        .set({ left_at: leftAt })
        .where('id', '=', row.id)
        .where('left_at', 'is', null)
        .executeTakeFirst();
      if (ended.numUpdatedRows === 0n) return;
      await this.events.emit(tx, {
        type: 'participant.left',
        organisationId: row.organisation_id,
        meetingId: row.meeting_id,
        participantId,
        subject: row.subject,
        joinedAt: row.joined_at,
        at: leftAt,
      });
      await addUsage(
        tx,
        secondsByHour(new Date(row.joined_at), new Date(leftAt)).map(({ hour, seconds }) => ({
          organisation_id: row.organisation_id,
          hour,
          meeting_id: row.meeting_id,
          subject: usageSubject(row.subject),
          seconds,
        })),
      );
    });
  }

  /** Of these participations, those recorded and still open are seen at `at`; returns which they were. */
  async markSeen(participantIds: readonly string[], at: string): Promise<Set<string>> {
    const open = new Set<string>();
    for (let i = 0; i < participantIds.length; i += 500) {
      const chunk = participantIds.slice(i, i + 500);
      const rows = await this.db
        .updateTable('call_participants')
        .set({ seen_at: at })
        .where('participant_id', 'in', chunk)
        .where('left_at', 'is', null)
        .returning('participant_id')
        .execute();
      for (const r of rows) open.add(r.participant_id);
    }
    return open;
  }

  /** Open participations nobody has seen since `before`: their node is gone. */
  async unseenSince(before: string): Promise<Array<{ participantId: string; seenAt: string }>> {
    const rows = await this.db
      .selectFrom('call_participants')
      .select(['participant_id', 'seen_at'])
      .where('left_at', 'is', null)
      .where('seen_at', '<', before)
      .limit(1000)
      .execute();
    return rows.map((r) => ({ participantId: r.participant_id, seenAt: r.seen_at }));
  }

  /** The meeting's room emptied: the time it was held ends at `at`. */
  async endCall(meetingId: string, at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const ended = await tx
        .updateTable('call_records')
        .set({ ended_at: at })
        .where('meeting_id', '=', meetingId)
        .where('ended_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('call_participants')
                .select('id')
                .whereRef('call_participants.call_id', '=', 'call_records.id')
                .where('call_participants.left_at', 'is', null),
            ),
          ),
        )
        .returning(['organisation_id', 'started_at'])
        .execute();
      for (const call of ended) {
        await this.events.emit(tx, {
          type: 'meeting.ended',
          organisationId: call.organisation_id,
          meetingId,
          startedAt: call.started_at,
          at,
        });
      }
    });
  }

  /**
   * Open calls nobody has been in since `before` (the node that held them died before their room
   * emptied): they end when their last participant left.
   */
  async endAbandonedCalls(before: string): Promise<void> {
    const calls = await this.db
      .selectFrom('call_records')
      .leftJoin('call_participants', 'call_participants.call_id', 'call_records.id')
      .select([
        'call_records.id',
        'call_records.organisation_id',
        'call_records.meeting_id',
        'call_records.started_at',
      ])
      .select((eb) => [
        eb.fn.max('call_participants.left_at').as('last_left'),
        eb.fn.count<number>('call_participants.id').as('all'),
        eb.fn.count<number>('call_participants.left_at').as('ended'),
      ])
      .where('call_records.ended_at', 'is', null)
      .where('call_records.started_at', '<', before)
      .groupBy([
        'call_records.id',
        'call_records.organisation_id',
        'call_records.meeting_id',
        'call_records.started_at',
      ])
      .execute();
    for (const call of calls) {
      if (Number(call.all) !== Number(call.ended)) continue;
      const endedAt = call.last_left ?? call.started_at;
      if (endedAt >= before) continue;
      await this.db.transaction().execute(async (tx) => {
        const ended = await tx
          .updateTable('call_records')
          .set({ ended_at: endedAt })
          .where('id', '=', call.id)
          .where('ended_at', 'is', null)
          .executeTakeFirst();
        if (ended.numUpdatedRows === 0n) return;
        await this.events.emit(tx, {
          type: 'meeting.ended',
          organisationId: call.organisation_id,
          meetingId: call.meeting_id,
          startedAt: call.started_at,
          at: endedAt,
        });
      });
    }
  }

  /** Participations of the organisation not ended yet (few: the people in meetings now). */
  async openParticipations(organisationId: string): Promise<OpenParticipation[]> {
    const rows = await this.db
      .selectFrom('call_participants')
      .innerJoin('call_records', 'call_records.id', 'call_participants.call_id')
      .select([
        'call_records.meeting_id',
        'call_participants.subject',
        'call_participants.first_of_call',
        'call_participants.joined_at',
      ])
      .where('call_participants.organisation_id', '=', organisationId)
      .where('call_participants.left_at', 'is', null)
      .execute();
    return rows.map((r) => ({
      meetingId: r.meeting_id,
      subject: r.subject,
      firstOfCall: r.first_of_call === 1,
      joinedAt: r.joined_at,
    }));
  }

  /** The meeting's open call, made (and counted as held) if there is none. */
  private async openCall(tx: Tx, a: Attendance): Promise<string> {
    const id = newId(Date.parse(a.joinedAt));
    const made = await tx
      .insertInto('call_records')
      .values({
        id,
        organisation_id: a.organisationId,
        meeting_id: a.meetingId,
        started_at: a.joinedAt,
        ended_at: null,
      })
      .onConflict((c) => c.column('meeting_id').where('ended_at', 'is', null).doNothing())
      .executeTakeFirst();
    if ((made.numInsertedOrUpdatedRows ?? 0n) > 0n) {
      await this.events.emit(tx, {
        type: 'meeting.started',
        organisationId: a.organisationId,
        meetingId: a.meetingId,
        at: a.joinedAt,
      });
      await addUsage(tx, [
        {
          organisation_id: a.organisationId,
          hour: hourOf(Date.parse(a.joinedAt)),
          meeting_id: a.meetingId,
          subject: '',
          held: 1,
        },
      ]);
      return id;
    }
    const open = await tx
      .selectFrom('call_records')
      .select('id')
      .where('meeting_id', '=', a.meetingId)
      .where('ended_at', 'is', null)
      .executeTakeFirstOrThrow();
    return open.id;
  }
}

/**
 * Adds to the sums: the organisation's per hour (the report's days are cut from these), the meeting's
 * and the subject's per hour, day and month (its tables read the coarsest that fit).
 */
async function addUsage(tx: Tx, deltas: readonly UsageDelta[]): Promise<void> {
  for (const d of deltas) {
    const sums = { held: d.held ?? 0, participants: d.participants ?? 0, seconds: d.seconds ?? 0 };
    const rows: Array<{ span: Span; start: string; dimension: UsageDimension; key: string }> = [
      { span: 'hour', start: d.hour, dimension: 'organisation', key: '' },
    ];
    for (const { span, start } of spansOf(d.hour)) {
      rows.push({ span, start, dimension: 'meeting', key: d.meeting_id });
      // Who was there; a meeting held has nobody in particular.
      if (d.subject !== '') rows.push({ span, start, dimension: 'subject', key: d.subject });
    }
    for (const row of rows) {
      await tx
        .insertInto('usage_sums')
        .values({ organisation_id: d.organisation_id, ...row, ...sums })
        .onConflict((c) =>
          c.columns(['organisation_id', 'dimension', 'span', 'start', 'key']).doUpdateSet((eb) => ({
            held: eb('usage_sums.held', '+', sums.held),
            participants: eb('usage_sums.participants', '+', sums.participants),
            seconds: eb('usage_sums.seconds', '+', sums.seconds),
          })),
        )
        .execute();
    }
  }
}
