import type { Kysely } from 'kysely';
import type { MeetingPublicView } from '@conclave/protocol';
import type { Database } from '../db';
import type { MeetingLookup, MeetingRecord } from '../domain';

export interface Meeting extends MeetingRecord {
  description: string;
  extension: string;
  createdAt: string;
  updatedAt: string;
}

export class MeetingStore implements MeetingLookup {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws a unique violation when the extension is taken in the organisation. */
  async insert(m: Meeting): Promise<void> {
    await this.db
      .insertInto('meetings')
      .values({
        id: m.id,
        organisation_id: m.organisationId,
        owner_id: m.ownerId,
        name: m.name,
        description: m.description,
        extension: m.extension,
        created_at: m.createdAt,
        updated_at: m.updatedAt,
      })
      .execute();
  }

  async findById(id: string): Promise<Meeting | null> {
    const row = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async findMeeting(id: string): Promise<MeetingRecord | null> {
    const m = await this.findById(id);
    return m && { id: m.id, organisationId: m.organisationId, ownerId: m.ownerId, name: m.name };
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

  async update(id: string, patch: { name?: string; description?: string; updatedAt: string }): Promise<void> {
    await this.db
      .updateTable('meetings')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        updated_at: patch.updatedAt,
      })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('meetings').where('id', '=', id).execute();
  }

  async findPublic(id: string): Promise<MeetingPublicView | null> {
    const row = await this.db
      .selectFrom('meetings as m')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .select(['m.id as id', 'm.name as name', 'o.name as organisationName'])
      .where('m.id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }
}

function fromRow(r: Database['meetings']): Meeting {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    ownerId: r.owner_id,
    name: r.name,
    description: r.description,
    extension: r.extension,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
