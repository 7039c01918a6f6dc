import type { Kysely } from 'kysely';
import type { Database } from '../db';

export interface RoomSystemRecord {
  id: string;
  organisationId: string;
  name: string;
  associatedUser: { id: string; displayName: string; role: Database['users']['role'] } | null;
  hidden: boolean;
  revokedAt: string | null;
  sessionId: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  autoJoin: boolean;
}

/** A scheduled meeting a room system is invited to, as its screen lists it (never the passcode). */
export interface RoomDayRecord {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  ownerName: string;
  extension: string;
  hasPasscode: boolean;
  lobby: Database['meetings']['lobby'];
}

/** A screen's live session, as its cookie's hash finds it. */
export interface RoomSessionRecord {
  roomSystemId: string;
  sessionId: string;
  name: string;
  organisationId: string;
  organisationName: string;
  lastSeenAt: string | null;
}

export interface PairingRecord {
  id: string;
  expiresAt: string;
  roomSystemId: string | null;
}

/** Room systems and pairings in the database (ADM-ROOMS). Secrets only ever arrive here hashed. */
export class RoomSystemStore {
  constructor(private readonly db: Kysely<Database>) {}

  // ---- pairings ----

  async addPairing(p: {
    id: string;
    codeHash: string;
    deviceTokenHash: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('room_pairings')
      .values({
        id: p.id,
        code_hash: p.codeHash,
        device_token_hash: p.deviceTokenHash,
        created_at: p.createdAt,
        expires_at: p.expiresAt,
        room_system_id: null,
      })
      .execute();
  }

  async deleteExpiredPairings(now: string): Promise<void> {
    await this.db.deleteFrom('room_pairings').where('expires_at', '<=', now).execute();
  }

  /** Codes shown now that nobody has entered yet. */
  async countPendingPairings(now: string): Promise<number> {
    const row = await this.db
      .selectFrom('room_pairings')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('expires_at', '>', now)
      .where('room_system_id', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async pairingOfDevice(deviceTokenHash: string, now: string): Promise<PairingRecord | null> {
    const row = await this.db
      .selectFrom('room_pairings')
      .select(['id', 'expires_at', 'room_system_id'])
      .where('device_token_hash', '=', deviceTokenHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? { id: row.id, expiresAt: row.expires_at, roomSystemId: row.room_system_id } : null;
  }

  /**
   * Marks the pending pairing with this code as entered for `roomSystemId`, giving its screen until
   * `expiresAt` to take its session; false when no code shown now matches (or another took it).
   */
  async claimPairing(
    codeHash: string,
    roomSystemId: string,
    now: string,
    expiresAt: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('room_pairings')
      .set({ room_system_id: roomSystemId, expires_at: expiresAt })
      .where('code_hash', '=', codeHash)
      .where('expires_at', '>', now)
      .where('room_system_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Whether a code shown now matches, without taking it. */
  async hasPendingCode(codeHash: string, now: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('room_pairings')
      .select('id')
      .where('code_hash', '=', codeHash)
      .where('expires_at', '>', now)
      .where('room_system_id', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Uses an entered pairing up and gives its room system this session, in one step: false when the
   * pairing was used meanwhile or its room system was revoked. Any earlier session of it ends.
   */
  async takeSession(
    pairingId: string,
    roomSystemId: string,
    session: { id: string; tokenHash: string },
  ): Promise<{ previousSessionId: string | null } | null> {
    return this.db.transaction().execute(async (tx) => {
      const used = await tx
        .deleteFrom('room_pairings')
        .where('id', '=', pairingId)
        .where('room_system_id', '=', roomSystemId)
        .executeTakeFirst();
      if (Number(used.numDeletedRows) !== 1) return null;
      const before = await tx
        .selectFrom('room_systems')
        .select('session_id')
        .where('id', '=', roomSystemId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!before) return null;
      await tx
        .updateTable('room_systems')
        .set({ session_id: session.id, session_token_hash: session.tokenHash })
        .where('id', '=', roomSystemId)
        .execute();
      return { previousSessionId: before.session_id };
    });
  }

  // ---- room systems ----

  async create(r: {
    id: string;
    organisationId: string;
    name: string;
    associatedUserId: string | null;
    createdAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('room_systems')
      .values({
        id: r.id,
        organisation_id: r.organisationId,
        name: r.name,
        associated_user_id: r.associatedUserId,
        hidden: 0,
        revoked_at: null,
        session_id: null,
        session_token_hash: null,
        created_at: r.createdAt,
        last_seen_at: null,
        auto_join: 0,
      })
      .execute();
  }

  async list(organisationId: string): Promise<RoomSystemRecord[]> {
    return (await this.select().where('r.organisation_id', '=', organisationId).execute()).map(fromRow);
  }

  async find(organisationId: string, id: string): Promise<RoomSystemRecord | null> {
    const row = await this.select()
      .where('r.organisation_id', '=', organisationId)
      .where('r.id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async update(
    id: string,
    change: { name?: string; associatedUserId?: string | null; hidden?: boolean; autoJoin?: boolean },
  ) {
    await this.db
      .updateTable('room_systems')
      .set({
        ...(change.name !== undefined && { name: change.name }),
        ...(change.associatedUserId !== undefined && { associated_user_id: change.associatedUserId }),
        ...(change.hidden !== undefined && { hidden: change.hidden ? 1 : 0 }),
        ...(change.autoJoin !== undefined && { auto_join: change.autoJoin ? 1 : 0 }),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Revokes it and ends its session (returned, for its live connections); codes entered for it go. */
  async revoke(id: string, at: string): Promise<string | null> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('room_systems')
        .select('session_id')
        .where('id', '=', id)
        .executeTakeFirst();
      await tx
        .updateTable('room_systems')
        .set({ revoked_at: at, session_id: null, session_token_hash: null })
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('room_pairings').where('room_system_id', '=', id).execute();
      return row?.session_id ?? null;
    });
  }

  async restore(id: string): Promise<void> {
    await this.db.updateTable('room_systems').set({ revoked_at: null }).where('id', '=', id).execute();
  }

  /** Deletes it; its session, for its live connections. */
  async delete(id: string): Promise<string | null> {
    const row = await this.db
      .deleteFrom('room_systems')
      .where('id', '=', id)
      .returning('session_id')
      .executeTakeFirst();
    return row?.session_id ?? null;
  }

  /** The users of the organisation by id, for associating one. */
  async userOf(organisationId: string, userId: string) {
    return (
      (await this.db
        .selectFrom('users')
        .select(['id', 'display_name', 'role'])
        .where('organisation_id', '=', organisationId)
        .where('id', '=', userId)
        .executeTakeFirst()) ?? null
    );
  }

  /** The meeting a room joins by its extension, in its organisation (hidden ones too: the number is the way in). */
  async meetingByExtension(organisationId: string, extension: string) {
    const row = await this.db
      .selectFrom('meetings')
      .select(['id', 'name', 'passcode_hash'])
      .where('organisation_id', '=', organisationId)
      .where('extension', '=', extension)
      .executeTakeFirst();
    return row ? { id: row.id, name: row.name, hasPasscode: row.passcode_hash !== null } : null;
  }

  /**
   * The scheduled meetings of its organisation the room system is invited to that overlap [from, to)
   * (ISO UTC, which compare as text), soonest first, at most `limit`; with whether it joins by itself.
   */
  async day(
    room: { roomSystemId: string; organisationId: string },
    from: string,
    to: string,
    limit: number,
  ): Promise<{ meetings: RoomDayRecord[]; autoJoin: boolean }> {
    const [rows, self] = await Promise.all([
      this.db
        .selectFrom('meeting_room_systems as mr')
        .innerJoin('meetings as m', 'm.id', 'mr.meeting_id')
        .innerJoin('users as o', 'o.id', 'm.owner_id')
        .select([
          'm.id as id',
          'm.name as name',
          'm.starts_at as startsAt',
          'm.ends_at as endsAt',
          'o.display_name as ownerName',
          'm.extension as extension',
          'm.passcode_hash as passcodeHash',
          'm.lobby as lobby',
        ])
        .where('mr.room_system_id', '=', room.roomSystemId)
        .where('m.organisation_id', '=', room.organisationId)
        .where('m.starts_at', '<', to)
        .where('m.ends_at', '>', from)
        .orderBy('m.starts_at')
        .orderBy('m.id')
        .limit(limit)
        .execute(),
      this.db
        .selectFrom('room_systems')
        .select('auto_join')
        .where('id', '=', room.roomSystemId)
        .executeTakeFirst(),
    ]);
    const meetings = rows.flatMap(({ passcodeHash, startsAt, endsAt, ...m }) =>
      startsAt !== null && endsAt !== null
        ? [{ ...m, startsAt, endsAt, hasPasscode: passcodeHash !== null }]
        : [],
    );
    return { meetings, autoJoin: self?.auto_join === 1 };
  }

  // ---- sessions ----

  async session(tokenHash: string): Promise<RoomSessionRecord | null> {
    const row = await this.db
      .selectFrom('room_systems as r')
      .innerJoin('organisations as o', 'o.id', 'r.organisation_id')
      .select([
        'r.id as roomSystemId',
        'r.session_id as sessionId',
        'r.name as name',
        'r.last_seen_at as lastSeenAt',
        'o.id as organisationId',
        'o.name as organisationName',
      ])
      .where('r.session_token_hash', '=', tokenHash)
      .where('r.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row || row.sessionId === null) return null;
    return { ...row, sessionId: row.sessionId };
  }

  async seen(roomSystemId: string, at: string): Promise<void> {
    await this.db
      .updateTable('room_systems')
      .set({ last_seen_at: at })
      .where('id', '=', roomSystemId)
      .execute();
  }

  private select() {
    return this.db
      .selectFrom('room_systems as r')
      .leftJoin('users as u', 'u.id', 'r.associated_user_id')
      .select([
        'r.id as id',
        'r.organisation_id as organisationId',
        'r.name as name',
        'r.hidden as hidden',
        'r.revoked_at as revokedAt',
        'r.session_id as sessionId',
        'r.created_at as createdAt',
        'r.last_seen_at as lastSeenAt',
        'r.auto_join as autoJoin',
        'u.id as userId',
        'u.display_name as userName',
        'u.role as userRole',
      ])
      .orderBy('r.name')
      .orderBy('r.id');
  }
}

type Row = {
  id: string;
  organisationId: string;
  name: string;
  hidden: 0 | 1;
  revokedAt: string | null;
  sessionId: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  autoJoin: 0 | 1;
  userId: string | null;
  userName: string | null;
  userRole: Database['users']['role'] | null;
};

function fromRow(r: Row): RoomSystemRecord {
  return {
    id: r.id,
    organisationId: r.organisationId,
    name: r.name,
    associatedUser:
      r.userId !== null && r.userName !== null && r.userRole !== null
        ? { id: r.userId, displayName: r.userName, role: r.userRole }
        : null,
    hidden: r.hidden === 1,
    revokedAt: r.revokedAt,
    sessionId: r.sessionId,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    autoJoin: r.autoJoin === 1,
  };
}
