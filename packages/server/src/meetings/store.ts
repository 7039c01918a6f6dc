import type { Kysely, Transaction } from 'kysely';
import type {
  LobbyMode,
  MeetingInvitee,
  MeetingPublicView,
  MeetingRoomSystem,
  MeetingSchedule,
} from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { Database } from '../db';
import type { E2eeAnchorStore, MeetingLookup, MeetingRecord } from '../domain';

export interface Meeting extends MeetingRecord {
  description: string;
  extension: string;
  /** MEET-ONETIME: deleted once it has taken place. */
  oneTime: boolean;
  /** When someone first joined; null until then. */
  startedAt: string | null;
  /** Left out of the directory (MEET-HIDE). */
  hidden: boolean;
  /** Moderators may start and stop recordings too (REC-START). */
  recordingByModerators: boolean;
  /** A Superuser or Administrator enabled live streaming for it (STREAM-TOGGLE). */
  streaming: boolean;
  createdAt: string;
  updatedAt: string;
  /** When it is planned for (ADM-CALENDAR); null: no time. */
  schedule: MeetingSchedule | null;
}

interface MeetingPatch {
  name?: string;
  description?: string;
  /** Switching E2EE also clears the anchor key: the next group is a new one. */
  e2ee?: boolean;
  hidden?: boolean;
  lobby?: LobbyMode;
  recordingByModerators?: boolean;
  streaming?: boolean;
  schedule?: MeetingSchedule | null;
  /** Everyone invited now, replacing who was. */
  inviteeIds?: readonly string[];
  /** The room systems invited now, replacing those that were. */
  roomSystemIds?: readonly string[];
  updatedAt: string;
}

/** A room system as inviting it is checked (ADM-ROOMS): whether it has its access, who may see it. */
export interface RoomSystemCandidate {
  id: string;
  hidden: boolean;
  revoked: boolean;
  associatedUser: { id: string; role: Database['users']['role'] } | null;
}

export class MeetingStore implements MeetingLookup, E2eeAnchorStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws a unique violation when the extension is taken in the organisation. */
  async insert(
    m: Meeting,
    inviteeIds: readonly string[] = [],
    roomSystemIds: readonly string[] = [],
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('meetings')
        .values({
          id: m.id,
          organisation_id: m.organisationId,
          owner_id: m.ownerId,
          name: m.name,
          description: m.description,
          extension: m.extension,
          e2ee: m.e2ee ? 1 : 0,
          e2ee_anchor_key: m.e2eeAnchorKey,
          passcode_hash: m.passcodeHash,
          one_time: m.oneTime ? 1 : 0,
          started_at: m.startedAt,
          hidden: m.hidden ? 1 : 0,
          lobby: m.lobby,
          recording_by_moderators: m.recordingByModerators ? 1 : 0,
          streaming: m.streaming ? 1 : 0,
          created_at: m.createdAt,
          updated_at: m.updatedAt,
          ...scheduleColumns(m.schedule),
        })
        .execute();
      await insertInvitees(tx, m.id, inviteeIds);
      await insertRoomSystems(tx, m.id, roomSystemIds);
    });
  }

  async findById(id: string): Promise<Meeting | null> {
    const row = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async findMeeting(id: string): Promise<MeetingRecord | null> {
    return recordOf(await this.findById(id));
  }

  /** The meeting an extension names in an organisation (hidden ones too: the number is the way in). */
  async findByExtension(organisationId: string, extension: string): Promise<MeetingRecord | null> {
    const row = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('extension', '=', extension)
      .executeTakeFirst();
    return recordOf(row ? fromRow(row) : null);
  }

  async listByOwner(organisationId: string, ownerId: string): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('owner_id', '=', ownerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  /**
   * The organisation's meetings (only `ownerId`'s, when given), newest first by id (UUIDv7: time
   * ordered), those older than `before` only, at most `limit`.
   */
  async listByOrganisation(
    organisationId: string,
    page: { ownerId?: string | undefined; before?: string | undefined; limit: number },
  ): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .$if(page.ownerId !== undefined, (q) => q.where('owner_id', '=', page.ownerId!))
      .$if(page.before !== undefined, (q) => q.where('id', '<', page.before!))
      .orderBy('id', 'desc')
      .limit(page.limit)
      .execute();
    return rows.map(fromRow);
  }

  async update(id: string, patch: MeetingPatch): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('meetings')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.e2ee !== undefined && { e2ee: patch.e2ee ? 1 : 0, e2ee_anchor_key: null }),
          ...(patch.hidden !== undefined && { hidden: patch.hidden ? 1 : 0 }),
          ...(patch.lobby !== undefined && { lobby: patch.lobby }),
          ...(patch.recordingByModerators !== undefined && {
            recording_by_moderators: patch.recordingByModerators ? 1 : 0,
          }),
          ...(patch.streaming !== undefined && { streaming: patch.streaming ? 1 : 0 }),
          ...(patch.schedule !== undefined && scheduleColumns(patch.schedule)),
          updated_at: patch.updatedAt,
        })
        .where('id', '=', id)
        .execute();
      if (patch.inviteeIds !== undefined) {
        await tx.deleteFrom('meeting_invitees').where('meeting_id', '=', id).execute();
        await insertInvitees(tx, id, patch.inviteeIds);
      }
      if (patch.roomSystemIds !== undefined) {
        await tx.deleteFrom('meeting_room_systems').where('meeting_id', '=', id).execute();
        await insertRoomSystems(tx, id, patch.roomSystemIds);
      }
    });
  }

  /** Meetings of the organisation `userId` is invited to (ADM-INVITE), newest first. */
  async listInvited(organisationId: string, userId: string): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .innerJoin('meeting_invitees as i', 'i.meeting_id', 'meetings.id')
      .selectAll('meetings')
      .where('meetings.organisation_id', '=', organisationId)
      .where('i.user_id', '=', userId)
      .orderBy('meetings.created_at', 'desc')
      .orderBy('meetings.id', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  async isInvitee(meetingId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('meeting_invitees')
      .select('user_id')
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Who is invited to each of these meetings, by name. */
  async invitees(meetingIds: readonly string[]): Promise<Map<string, MeetingInvitee[]>> {
    const byMeeting = new Map<string, MeetingInvitee[]>();
    if (meetingIds.length === 0) return byMeeting;
    const rows = await this.db
      .selectFrom('meeting_invitees as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .select(['i.meeting_id as meetingId', 'u.id as id', 'u.display_name as displayName'])
      .where('i.meeting_id', 'in', [...meetingIds])
      .orderBy('u.display_name')
      .orderBy('u.id')
      .execute();
    for (const { meetingId, ...invitee } of rows) {
      const list = byMeeting.get(meetingId) ?? [];
      list.push(invitee);
      byMeeting.set(meetingId, list);
    }
    return byMeeting;
  }

  /** The room systems invited to each of these meetings, by name. */
  async roomSystems(meetingIds: readonly string[]): Promise<Map<string, MeetingRoomSystem[]>> {
    const byMeeting = new Map<string, MeetingRoomSystem[]>();
    if (meetingIds.length === 0) return byMeeting;
    const rows = await this.db
      .selectFrom('meeting_room_systems as mr')
      .innerJoin('room_systems as r', 'r.id', 'mr.room_system_id')
      .select(['mr.meeting_id as meetingId', 'r.id as id', 'r.name as name'])
      .where('mr.meeting_id', 'in', [...meetingIds])
      .orderBy('r.name')
      .orderBy('r.id')
      .execute();
    for (const { meetingId, ...room } of rows) {
      const list = byMeeting.get(meetingId) ?? [];
      list.push(room);
      byMeeting.set(meetingId, list);
    }
    return byMeeting;
  }

  /** Those of `ids` that are room systems of the organisation, as inviting them is checked. */
  async roomSystemCandidates(organisationId: string, ids: readonly string[]): Promise<RoomSystemCandidate[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('room_systems as r')
      .leftJoin('users as u', 'u.id', 'r.associated_user_id')
      .select([
        'r.id as id',
        'r.hidden as hidden',
        'r.revoked_at as revokedAt',
        'u.id as userId',
        'u.role as role',
      ])
      .where('r.organisation_id', '=', organisationId)
      .where('r.id', 'in', [...ids])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      hidden: r.hidden === 1,
      revoked: r.revokedAt !== null,
      associatedUser: r.userId !== null && r.role !== null ? { id: r.userId, role: r.role } : null,
    }));
  }

  /** Those of `ids` who are people of the organisation. */
  async members(organisationId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', [...ids])
      .execute();
    return rows.map((r) => r.id);
  }

  async hasEnded(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('ended_meetings')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Records the first join; later ones change nothing. */
  async markStarted(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('meetings')
      .set({ started_at: at })
      .where('id', '=', id)
      .where('started_at', 'is', null)
      .execute();
  }

  /** Deletes a one-time meeting and leaves the mark that its link has ended, in one transaction. */
  async endForGood(m: Pick<Meeting, 'id' | 'organisationId'>, at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('meetings').where('id', '=', m.id).execute();
      await tx
        .insertInto('ended_meetings')
        .values({ id: m.id, organisation_id: m.organisationId, ended_at: at })
        .onConflict((c) => c.column('id').doNothing())
        .execute();
    });
  }

  /** One-time meetings nobody joined, made before `before`. */
  async unusedOneTime(before: string): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('one_time', '=', 1)
      .where('started_at', 'is', null)
      .where('created_at', '<', before)
      .execute();
    return rows.map(fromRow);
  }

  /** Forgets ended meetings' marks older than `before`: their links then say "no such meeting". */
  async forgetEndedBefore(before: string): Promise<void> {
    await this.db.deleteFrom('ended_meetings').where('ended_at', '<', before).execute();
  }

  /** Sets (a hash) or, with null, removes the passcode. */
  async setPasscodeHash(id: string, passcodeHash: string | null, updatedAt: string): Promise<void> {
    await this.db
      .updateTable('meetings')
      .set({ passcode_hash: passcodeHash, updated_at: updatedAt })
      .where('id', '=', id)
      .execute();
  }

  async setE2eeAnchorKey(meetingId: string, key: string | null): Promise<boolean> {
    if (key !== null && !isIdentityKey(key)) {
      throw new AppError(
        400,
        'validation_failed',
        'An identity key is a raw P-256 public key (65 bytes, 0x04 first) in base64url',
      );
    }
    let query = this.db.updateTable('meetings').set({ e2ee_anchor_key: key }).where('id', '=', meetingId);
    if (key !== null) query = query.where('e2ee', '=', 1);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('meetings').where('id', '=', id).execute();
  }

  /** The public view but for what the organisation's settings add, and the organisation it belongs to. */
  async findPublic(
    id: string,
  ): Promise<
    (Omit<MeetingPublicView, 'defaultLayout' | 'recording' | 'streaming'> & { organisationId: string }) | null
  > {
    const row = await this.db
      .selectFrom('meetings as m')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .select([
        'm.id as id',
        'm.name as name',
        'o.name as organisationName',
        'o.id as organisationId',
        'm.e2ee as e2ee',
        'm.e2ee_anchor_key as ownerIdentityKey',
        'm.passcode_hash as passcodeHash',
        'm.lobby as lobby',
      ])
      .where('m.id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const { passcodeHash, ...view } = row;
    return { ...view, e2ee: row.e2ee === 1, passcodeRequired: passcodeHash !== null };
  }
}

/** An uncompressed P-256 point, base64url without padding, in its one canonical spelling. */
function isIdentityKey(key: string): boolean {
  const bytes = Buffer.from(key, 'base64url');
  return bytes.length === 65 && bytes[0] === 0x04 && bytes.toString('base64url') === key;
}

function scheduleColumns(schedule: MeetingSchedule | null) {
  return {
    starts_at: schedule?.startsAt ?? null,
    ends_at: schedule?.endsAt ?? null,
    time_zone: schedule?.timeZone ?? null,
  };
}

async function insertInvitees(tx: Transaction<Database>, meetingId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return;
  await tx
    .insertInto('meeting_invitees')
    .values(userIds.map((userId) => ({ meeting_id: meetingId, user_id: userId })))
    .execute();
}

async function insertRoomSystems(tx: Transaction<Database>, meetingId: string, ids: readonly string[]) {
  if (ids.length === 0) return;
  await tx
    .insertInto('meeting_room_systems')
    .values(ids.map((roomSystemId) => ({ meeting_id: meetingId, room_system_id: roomSystemId })))
    .execute();
}

/** A meeting's schedule from its columns: all three, or none. */
export function scheduleOf(r: Pick<Database['meetings'], 'starts_at' | 'ends_at' | 'time_zone'>) {
  return r.starts_at !== null && r.ends_at !== null && r.time_zone !== null
    ? { startsAt: r.starts_at, endsAt: r.ends_at, timeZone: r.time_zone }
    : null;
}

function fromRow(r: Database['meetings']): Meeting {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    ownerId: r.owner_id,
    name: r.name,
    description: r.description,
    extension: r.extension,
    e2ee: r.e2ee === 1,
    e2eeAnchorKey: r.e2ee_anchor_key,
    passcodeHash: r.passcode_hash,
    oneTime: r.one_time === 1,
    startedAt: r.started_at,
    hidden: r.hidden === 1,
    lobby: r.lobby,
    recordingByModerators: r.recording_by_moderators === 1,
    streaming: r.streaming === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    schedule: scheduleOf(r),
  };
}

function recordOf(m: Meeting | null): MeetingRecord | null {
  return (
    m && {
      id: m.id,
      organisationId: m.organisationId,
      ownerId: m.ownerId,
      name: m.name,
      e2ee: m.e2ee,
      e2eeAnchorKey: m.e2eeAnchorKey,
      passcodeHash: m.passcodeHash,
      lobby: m.lobby,
    }
  );
}
