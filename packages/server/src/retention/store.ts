import type { Kysely } from 'kysely';
import type { Database } from '../db';

/** What an organisation holds outside the database, or live elsewhere, when it is deleted. */
export interface OrganisationRemains {
  name: string;
  users: number;
  /** Its recordings, whose sealed bytes are in a recording store by that name. */
  recordings: Array<{ id: string; store: string }>;
  /** Its people's sessions and its room systems' (ADM-ROOMS), to end their live connections once the rows are gone. */
  sessionIds: string[];
  meetingIds: string[];
}

/** Organisations' contracts, and the deletion of an organisation whose data is due to go (PRIV-RETENTION). */
export class RetentionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async organisation(id: string): Promise<{ name: string; contractEndedAt: string | null } | undefined> {
    const row = await this.db
      .selectFrom('organisations')
      .select(['name', 'contract_ended_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { name: row.name, contractEndedAt: row.contract_ended_at };
  }

  /** Ends the contract at `at` unless it has ended already (its first date stays); true if it changed. */
  async endContract(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('organisations')
      .set({ contract_ended_at: at })
      .where('id', '=', id)
      .where('contract_ended_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Takes an ended contract back; true if it had ended. */
  async resumeContract(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('organisations')
      .set({ contract_ended_at: null })
      .where('id', '=', id)
      .where('contract_ended_at', 'is not', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Organisations whose contract ended at or before `before`. */
  async endedBefore(before: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('organisations')
      .select('id')
      .where('contract_ended_at', 'is not', null)
      .where('contract_ended_at', '<=', before)
      .orderBy('contract_ended_at')
      .execute();
    return rows.map((r) => r.id);
  }

  async remains(id: string): Promise<OrganisationRemains | undefined> {
    const organisation = await this.organisation(id);
    if (!organisation) return undefined;
    const [users, recordings, sessions, rooms, meetings] = await Promise.all([
      this.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('organisation_id', '=', id)
        .executeTakeFirstOrThrow(),
      this.db.selectFrom('recordings').select(['id', 'store']).where('organisation_id', '=', id).execute(),
      this.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.id')
        .where('users.organisation_id', '=', id)
        .execute(),
      this.db
        .selectFrom('room_systems')
        .select('session_id')
        .where('organisation_id', '=', id)
        .where('session_id', 'is not', null)
        .execute(),
      this.db.selectFrom('meetings').select('id').where('organisation_id', '=', id).execute(),
    ]);
    return {
      name: organisation.name,
      // PostgreSQL's count is a bigint, which its driver hands back as text.
      users: Number(users.n),
      recordings,
      sessionIds: [
        ...sessions.map((s) => s.id),
        ...rooms.flatMap((r) => (r.session_id ? [r.session_id] : [])),
      ],
      meetingIds: meetings.map((m) => m.id),
    };
  }

  /**
   * Deletes the organisation if its contract still ended at or before `before` (it may have been
   * taken back meanwhile); true if it did. Every table of its data refers to the organisation, or to
   * its people, meetings or conversations, with ON DELETE CASCADE, so one row's deletion takes it
   * all; the marks of its ended one-time meetings hold a bare organisation id and go explicitly.
   */
  async deleteOrganisation(id: string, before: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .deleteFrom('organisations')
        .where('id', '=', id)
        .where('contract_ended_at', 'is not', null)
        .where('contract_ended_at', '<=', before)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      await tx.deleteFrom('ended_meetings').where('organisation_id', '=', id).execute();
      return true;
    });
  }
}
