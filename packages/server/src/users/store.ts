import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AdminUserView, Role } from '@conclave/protocol';
import type { Database } from '../db';
import { erasePerson, type ErasedPerson } from './erasure';

/** A person as the administration sees them, before what the caller may do to them is known. */
export type ManagedUser = Omit<AdminUserView, 'can'>;

/** What went with an account: its sessions and meetings, so that their live connections end too. */
export interface Removed {
  sessionIds: string[];
  meetingIds: string[];
}

/** The organisation's accounts as its administration changes them. */
export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(organisationId: string): Promise<ManagedUser[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy(sql`lower(display_name)`)
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async find(organisationId: string, id: string): Promise<ManagedUser | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async setRole(id: string, role: Role): Promise<void> {
    await this.db.updateTable('users').set({ role }).where('id', '=', id).execute();
  }

  /** Marks the account revoked and ends its sessions; returns the sessions that ended. */
  async revoke(id: string, at: string): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      await tx.updateTable('users').set({ revoked_at: at }).where('id', '=', id).execute();
      const sessions = await tx.selectFrom('sessions').select('id').where('user_id', '=', id).execute();
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      // A browser it signed in from before must not skip the sign-in guard once restored.
      await tx.deleteFrom('trusted_devices').where('user_id', '=', id).execute();
      return sessions.map((s) => s.id);
    });
  }

  async restore(id: string): Promise<void> {
    await this.db.updateTable('users').set({ revoked_at: null }).where('id', '=', id).execute();
  }

  /**
   * Deletes the account with everything that is only its own (sessions, devices, meetings…), and makes
   * what others keep about the person anonymous under `placeholder` (see erasure.ts), all at once.
   */
  async delete(person: ErasedPerson, placeholder: string): Promise<Removed> {
    const { id } = person;
    return this.db.transaction().execute(async (tx) => {
      const sessions = await tx.selectFrom('sessions').select('id').where('user_id', '=', id).execute();
      const meetings = await tx.selectFrom('meetings').select('id').where('owner_id', '=', id).execute();
      await erasePerson(tx, person, placeholder);
      // The rest goes by the foreign keys' ON DELETE CASCADE.
      await tx.deleteFrom('users').where('id', '=', id).execute();
      return { sessionIds: sessions.map((s) => s.id), meetingIds: meetings.map((m) => m.id) };
    });
  }
}

function fromRow(r: Database['users']): ManagedUser {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    hidden: r.hidden === 1,
    revoked: r.revoked_at !== null,
    createdAt: r.created_at,
  };
}
