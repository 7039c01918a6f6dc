import type { RecordingVisibility } from '@conclave/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db';
import { NO_PLATFORM_EVENTS, type PlatformEvents } from '../domain';

export type RecordingStatus = 'recording' | 'ready' | 'failed';

export interface RecordingRow {
  id: string;
  organisationId: string;
  meetingId: string;
  meetingName: string;
  ownerId: string;
  startedById: string;
  startedByName: string;
  startedAt: string;
  endedAt: string | null;
  status: RecordingStatus;
  size: number;
  store: string;
  visibility: RecordingVisibility;
  /** SHA-256 (hex) of its link's key, while shared by link. */
  linkHash: string | null;
}

/** The most recordings one list shows: the latest. */
const LIST_LIMIT = 200;

/** The table of recordings (REC-STORE): what each is and where its sealed bytes are, never the bytes. */
export class RecordingStore {
  /** `events` is told when a recording is ready (webhooks), in the transaction that says so. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: PlatformEvents = NO_PLATFORM_EVENTS,
  ) {}

  async add(row: RecordingRow): Promise<void> {
    await this.db
      .insertInto('recordings')
      .values({
        id: row.id,
        organisation_id: row.organisationId,
        meeting_id: row.meetingId,
        meeting_name: row.meetingName,
        owner_id: row.ownerId,
        started_by_id: row.startedById,
        started_by_name: row.startedByName,
        started_at: row.startedAt,
        ended_at: row.endedAt,
        status: row.status,
        size: row.size,
        store: row.store,
        visibility: row.visibility,
        link_hash: row.linkHash,
      })
      .execute();
  }

  /** The recording is over: playable (`ready`, with its size) or `failed`. */
  async end(id: string, status: Exclude<RecordingStatus, 'recording'>, endedAt: string, size: number) {
    await this.db.transaction().execute(async (tx) => {
      const ended = await tx
        .updateTable('recordings')
        .set({ status, ended_at: endedAt, size })
        .where('id', '=', id)
        .where('status', '=', 'recording')
        .returning(['organisation_id', 'meeting_id'])
        .executeTakeFirst();
      if (!ended || status !== 'ready') return;
      await this.events.emit(tx, {
        type: 'recording.ready',
        organisationId: ended.organisation_id,
        meetingId: ended.meeting_id,
        recordingId: id,
        at: endedAt,
      });
    });
  }

  async find(id: string): Promise<RecordingRow | undefined> {
    const r = await this.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toRow(r);
  }

  /**
   * The organisation's recordings `userId` may view without a link, newest first: their own, those
   * shared with the organisation, and those shared with them by name.
   */
  async visibleTo(organisationId: string, userId: string): Promise<RecordingRow[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where((eb) =>
        eb.or([
          eb('owner_id', '=', userId),
          eb('visibility', '=', 'organisation'),
          eb.and([
            eb('visibility', '=', 'people'),
            eb.exists(
              eb
                .selectFrom('recording_viewers')
                .select('user_id')
                .whereRef('recording_viewers.recording_id', '=', 'recordings.id')
                .where('recording_viewers.user_id', '=', userId),
            ),
          ]),
        ]),
      )
      .orderBy('started_at', 'desc')
      .limit(LIST_LIMIT)
      .execute();
    return rows.map(toRow);
  }

  /** Of `ids`, those who are users of the organisation: whom a recording may be shared with. */
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

  async isViewer(id: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('recording_viewers')
      .select('user_id')
      .where('recording_id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Whom a recording shared with `people` is shared with. */
  async viewers(id: string): Promise<Array<{ id: string; displayName: string }>> {
    return this.db
      .selectFrom('recording_viewers')
      .innerJoin('users', 'users.id', 'recording_viewers.user_id')
      .select(['users.id as id', 'users.display_name as displayName'])
      .where('recording_viewers.recording_id', '=', id)
      .orderBy('users.display_name')
      .execute();
  }

  /** Who may view it now: the viewers replaced, the link's digest replaced or dropped. */
  async share(
    id: string,
    visibility: RecordingVisibility,
    viewerIds: readonly string[],
    linkHash: string | null,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('recordings')
        .set({ visibility, link_hash: linkHash })
        .where('id', '=', id)
        .execute();
      await tx.deleteFrom('recording_viewers').where('recording_id', '=', id).execute();
      if (viewerIds.length > 0) {
        await tx
          .insertInto('recording_viewers')
          .values(viewerIds.map((userId) => ({ recording_id: id, user_id: userId })))
          .execute();
      }
    });
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('recordings').where('id', '=', id).execute();
  }
}

function toRow(r: Selectable<Database['recordings']>): RecordingRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    meetingId: r.meeting_id,
    meetingName: r.meeting_name,
    ownerId: r.owner_id,
    startedById: r.started_by_id,
    startedByName: r.started_by_name,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    status: r.status,
    size: Number(r.size),
    store: r.store,
    visibility: r.visibility,
    linkHash: r.link_hash,
  };
}
