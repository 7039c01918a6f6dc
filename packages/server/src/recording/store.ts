import type { Kysely } from 'kysely';
import type { Database } from '../db';

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
}

/** The table of recordings (REC-STORE): what each is and where its sealed bytes are, never the bytes. */
export class RecordingStore {
  constructor(private readonly db: Kysely<Database>) {}

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
      })
      .execute();
  }

  /** The recording is over: playable (`ready`, with its size) or `failed`. */
  async end(id: string, status: Exclude<RecordingStatus, 'recording'>, endedAt: string, size: number) {
    await this.db
      .updateTable('recordings')
      .set({ status, ended_at: endedAt, size })
      .where('id', '=', id)
      .execute();
  }

  async find(id: string): Promise<RecordingRow | undefined> {
    const r = await this.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      r && {
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
      }
    );
  }
}
