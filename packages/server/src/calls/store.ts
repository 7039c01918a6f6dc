import { sql, type Kysely } from 'kysely';
import type { CallKind, CallState } from '@conclave/protocol';
import type { Role } from '@conclave/protocol';
import type { Database } from '../db';

export interface Call {
  id: string;
  organisationId: string;
  kind: CallKind;
  callerId: string;
  /** The person rung, or null when it rings a room system (`calleeRoomId`, MEET-ADD). */
  calleeId: string | null;
  calleeRoomId: string | null;
  meetingId: string | null;
  state: CallState;
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
}

/** A call with its people's names and its meeting's, as shown. */
export interface CallDetails extends Call {
  callerName: string;
  calleeName: string;
  meetingName: string | null;
}

/** Who can be called: what the rules about callees look at. */
export interface Callee {
  kind: 'user';
  id: string;
  organisationId: string;
  displayName: string;
  role: Role;
  hidden: boolean;
  revoked: boolean;
}

/** The calls table: each call's life, taken from state to state by conditional updates only. */
export class CallStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findUser(id: string): Promise<Callee | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'organisation_id', 'display_name', 'role', 'hidden', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? {
          kind: 'user',
          id: row.id,
          organisationId: row.organisation_id,
          displayName: row.display_name,
          role: row.role,
          hidden: row.hidden === 1,
          revoked: row.revoked_at !== null,
        }
      : null;
  }

  async insert(call: Call): Promise<void> {
    await this.db
      .insertInto('calls')
      .values({
        id: call.id,
        organisation_id: call.organisationId,
        kind: call.kind,
        caller_id: call.callerId,
        callee_id: call.calleeId,
        callee_room_id: call.calleeRoomId,
        meeting_id: call.meetingId,
        state: call.state,
        created_at: call.createdAt,
        expires_at: call.expiresAt,
        ended_at: call.endedAt,
        seen: 0,
      })
      .execute();
  }

  async find(id: string): Promise<CallDetails | null> {
    const row = await this.details().where('c.id', '=', id).executeTakeFirst();
    return row ? detailsFromRow(row) : null;
  }

  /** Calls this person has ringing now (not yet past their time). */
  async ringingFrom(callerId: string, now: string): Promise<number> {
    const row = await this.db
      .selectFrom('calls')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('caller_id', '=', callerId)
      .where('state', '=', 'ringing')
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Moves a ringing call, still within its time unless `anyTime`, to `to`. True for the one request
   * that moved it: two accepts at once, on one node or two, cannot both win.
   */
  async end(id: string, to: Exclude<CallState, 'ringing'>, now: string, anyTime = false): Promise<boolean> {
    const result = await this.db
      .updateTable('calls')
      .set({ state: to, ended_at: now })
      .where('id', '=', id)
      .where('state', '=', 'ringing')
      .$if(!anyTime, (q) => q.where('expires_at', '>', now))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ringing calls whose time is up. */
  async due(now: string, limit: number): Promise<CallDetails[]> {
    const rows = await this.details()
      .where('c.state', '=', 'ringing')
      .where('c.expires_at', '<=', now)
      .orderBy('c.expires_at')
      .limit(limit)
      .execute();
    return rows.map(detailsFromRow);
  }

  async missed(calleeId: string, limit: number): Promise<{ calls: CallDetails[]; unseen: number }> {
    const rows = await this.details()
      .where('c.callee_id', '=', calleeId)
      .where('c.state', '=', 'missed')
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute();
    const unseen = await this.db
      .selectFrom('calls')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('callee_id', '=', calleeId)
      .where('state', '=', 'missed')
      .where('seen', '=', 0)
      .executeTakeFirstOrThrow();
    return { calls: rows.map(detailsFromRow), unseen: Number(unseen.n) };
  }

  async markMissedSeen(calleeId: string): Promise<void> {
    await this.db
      .updateTable('calls')
      .set({ seen: 1 })
      .where('callee_id', '=', calleeId)
      .where('state', '=', 'missed')
      .where('seen', '=', 0)
      .execute();
  }

  /** Forgets calls made before `before`: the table holds a bounded stretch of history. */
  async deleteBefore(before: string): Promise<void> {
    await this.db.deleteFrom('calls').where('created_at', '<', before).execute();
  }

  private details() {
    return this.db
      .selectFrom('calls as c')
      .innerJoin('users as caller', 'caller.id', 'c.caller_id')
      .leftJoin('users as callee', 'callee.id', 'c.callee_id')
      .leftJoin('room_systems as room', 'room.id', 'c.callee_room_id')
      .leftJoin('meetings as m', 'm.id', 'c.meeting_id')
      .select([
        'c.id as id',
        'c.organisation_id as organisationId',
        'c.kind as kind',
        'c.caller_id as callerId',
        'c.callee_id as calleeId',
        'c.callee_room_id as calleeRoomId',
        'c.meeting_id as meetingId',
        'c.state as state',
        'c.created_at as createdAt',
        'c.expires_at as expiresAt',
        'c.ended_at as endedAt',
        'caller.display_name as callerName',
        // One of the two is there: the table's check says so.
        sql<string>`coalesce(callee.display_name, room.name)`.as('calleeName'),
        sql<string | null>`m.name`.as('meetingName'),
      ]);
  }
}

function detailsFromRow(row: CallDetails): CallDetails {
  return { ...row };
}
