import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { scheduleOf } from '../meetings';
import type { InvitedMeeting } from './invite-text';

/** Whose feed a token digest opens, and whether they may still use it. */
export interface FeedOwner {
  userId: string;
  organisationId: string;
  revoked: boolean;
}

/** A scheduled meeting as the feed lists it; its join link is added by the service. */
export type FeedMeeting = Omit<InvitedMeeting, 'joinUrl'>;

/** Calendar feeds (only their token's digest) and the scheduled meetings they list (ADM-CALENDAR). */
export class CalendarStore {
  constructor(private readonly db: Kysely<Database>) {}

  async feedOf(userId: string): Promise<{ createdAt: string } | null> {
    const row = await this.db
      .selectFrom('calendar_feeds')
      .select('created_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? { createdAt: row.created_at } : null;
  }

  /** The person's one feed from now on: the one before, if any, stops working. */
  async replace(userId: string, tokenHash: string, createdAt: string): Promise<void> {
    await this.db
      .insertInto('calendar_feeds')
      .values({ user_id: userId, token_hash: tokenHash, created_at: createdAt })
      .onConflict((c) => c.column('user_id').doUpdateSet({ token_hash: tokenHash, created_at: createdAt }))
      .execute();
  }

  /** Deletes the person's feed; false when they had none. */
  async remove(userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('calendar_feeds')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async ownerOf(tokenHash: string): Promise<FeedOwner | null> {
    const row = await this.db
      .selectFrom('calendar_feeds as f')
      .innerJoin('users as u', 'u.id', 'f.user_id')
      .select(['u.id as userId', 'u.organisation_id as organisationId', 'u.revoked_at as revokedAt'])
      .where('f.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row
      ? { userId: row.userId, organisationId: row.organisationId, revoked: row.revokedAt !== null }
      : null;
  }

  /**
   * Scheduled meetings of the organisation the person owns or is invited to, starting at `from` or
   * later, soonest first, at most `limit`.
   */
  async scheduledFor(owner: FeedOwner, from: string, limit: number): Promise<FeedMeeting[]> {
    const rows = await this.db
      .selectFrom('meetings as m')
      .select([
        'm.id',
        'm.name',
        'm.extension',
        'm.passcode_hash',
        'm.lobby',
        'm.e2ee',
        'm.starts_at',
        'm.ends_at',
        'm.time_zone',
        'm.updated_at',
      ])
      .where('m.organisation_id', '=', owner.organisationId)
      .where('m.starts_at', '>=', from)
      .where((eb) =>
        eb.or([
          eb('m.owner_id', '=', owner.userId),
          eb(
            'm.id',
            'in',
            eb.selectFrom('meeting_invitees').select('meeting_id').where('user_id', '=', owner.userId),
          ),
        ]),
      )
      .orderBy('m.starts_at')
      .orderBy('m.id')
      .limit(limit)
      .execute();
    const rooms = await this.roomsOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      extension: r.extension,
      hasPasscode: r.passcode_hash !== null,
      lobby: r.lobby,
      e2ee: r.e2ee === 1,
      schedule: scheduleOf(r),
      rooms: rooms.get(r.id) ?? [],
      updatedAt: r.updated_at,
    }));
  }

  /** The names of the room systems invited to each of these meetings (ADM-ROOMS), by name. */
  async roomsOf(meetingIds: readonly string[]): Promise<Map<string, string[]>> {
    const byMeeting = new Map<string, string[]>();
    if (meetingIds.length === 0) return byMeeting;
    const rows = await this.db
      .selectFrom('meeting_room_systems as mr')
      .innerJoin('room_systems as r', 'r.id', 'mr.room_system_id')
      .select(['mr.meeting_id as meetingId', 'r.name as name'])
      .where('mr.meeting_id', 'in', [...meetingIds])
      .orderBy('r.name')
      .orderBy('r.id')
      .execute();
    for (const { meetingId, name } of rows)
      byMeeting.set(meetingId, [...(byMeeting.get(meetingId) ?? []), name]);
    return byMeeting;
  }
}
