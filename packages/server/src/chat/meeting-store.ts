import type { Kysely } from 'kysely';
import type { Database } from '../db';

export interface MeetingChatRow {
  id: string;
  meetingId: string;
  participantId: string;
  displayName: string;
  /** Sealed (at-rest/vault.ts). */
  body: string;
  createdAt: string;
}

/** The table of meetings' chat (CHAT-MEETING); bodies arrive and leave sealed. */
export class MeetingChatStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(row: MeetingChatRow): Promise<void> {
    await this.db
      .insertInto('meeting_chat_messages')
      .values({
        id: row.id,
        meeting_id: row.meetingId,
        participant_id: row.participantId,
        display_name: row.displayName,
        body: row.body,
        created_at: row.createdAt,
      })
      .execute();
  }

  /** The latest `limit` messages of the meeting, oldest first. */
  async latest(meetingId: string, limit: number): Promise<MeetingChatRow[]> {
    const rows = await this.db
      .selectFrom('meeting_chat_messages')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({
      id: r.id,
      meetingId: r.meeting_id,
      participantId: r.participant_id,
      displayName: r.display_name,
      body: r.body,
      createdAt: r.created_at,
    }));
  }

  /** Deletes all but the meeting's latest `keep` messages. */
  async keepLatest(meetingId: string, keep: number): Promise<void> {
    const oldestKept = await this.db
      .selectFrom('meeting_chat_messages')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .orderBy('id', 'desc')
      .offset(keep - 1)
      .limit(1)
      .executeTakeFirst();
    if (!oldestKept) return;
    await this.db
      .deleteFrom('meeting_chat_messages')
      .where('meeting_id', '=', meetingId)
      .where('id', '<', oldestKept.id)
      .execute();
  }

  async clear(meetingId: string): Promise<void> {
    await this.db.deleteFrom('meeting_chat_messages').where('meeting_id', '=', meetingId).execute();
  }
}
