import type { Kysely } from 'kysely';
import type { InvitationPublicView, InvitationView } from '@conclave/protocol';
import type { Database } from '../db';

/** What the link stands for, with the organisation it leads into. */
export interface PendingInvitation extends InvitationPublicView {
  id: string;
  organisationId: string;
}

/** What the person accepting chose, and when; the rest of the account comes from the invitation. */
export interface Acceptance {
  userId: string;
  displayName: string;
  passwordHash: string;
  at: string;
}

/**
 * Invitations as rows. Expiry is compared here (`now`, ISO text, sorts as time), so an expired row
 * never serves, whether or not it was deleted yet.
 */
export class InvitationStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Pending ones of the organisation, newest first, with the inviter's name. */
  async list(organisationId: string, now: string): Promise<InvitationView[]> {
    const rows = await views(this.db)
      .where('i.organisation_id', '=', organisationId)
      .where('i.expires_at', '>', now)
      // An address that got an account another way meanwhile (added by hand, single sign-on): its
      // invitation can no longer be accepted, so it is pending no more.
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('users').select('users.id').whereRef('users.email', '=', 'i.email'))),
      )
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .execute();
    return rows.map((r) => ({ ...r, invitedBy: r.invitedBy ?? null }));
  }

  async find(organisationId: string, id: string, now: string): Promise<InvitationView | null> {
    const row = await views(this.db)
      .where('i.organisation_id', '=', organisationId)
      .where('i.id', '=', id)
      .where('i.expires_at', '>', now)
      .executeTakeFirst();
    return row ? { ...row, invitedBy: row.invitedBy ?? null } : null;
  }

  /** Whether the address has an unexpired invitation that a new one would replace. */
  async hasPending(organisationId: string, email: string, now: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('invitations')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('email', '=', email)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Unexpired invitations of the organisation for other addresses than `email`. */
  async countPendingBesides(organisationId: string, email: string, now: string): Promise<number> {
    const row = await this.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('email', '<>', email)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    // PostgreSQL's count is a bigint, which node-postgres hands over as a string.
    return Number(row.n);
  }

  /**
   * Saves the invitation in place of any earlier one for its address, in one statement: the earlier
   * token hash is overwritten, so its link stops working at once. Expired ones go first.
   */
  async save(
    invitation: Omit<InvitationView, 'invitedBy'> & { organisationId: string; invitedBy: string },
    tokenHash: string,
    now: string,
  ): Promise<void> {
    await this.db.deleteFrom('invitations').where('expires_at', '<=', now).execute();
    const values = {
      id: invitation.id,
      role: invitation.role,
      token_hash: tokenHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt,
    };
    await this.db
      .insertInto('invitations')
      .values({ ...values, organisation_id: invitation.organisationId, email: invitation.email })
      .onConflict((oc) => oc.columns(['organisation_id', 'email']).doUpdateSet(values))
      .execute();
  }

  /** Removes it; false when there was nothing to remove. */
  async delete(organisationId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('invitations')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** The unexpired invitation a link's token stands for, or null. */
  async pending(tokenHash: string, now: string): Promise<PendingInvitation | null> {
    return (await pendingBy(this.db, tokenHash, now)) ?? null;
  }

  /**
   * Takes the invitation and makes its account in one transaction, so a link serves once: of two
   * accepts at the same moment, the second finds the row gone (PostgreSQL makes its delete wait for
   * the first's commit, SQLite runs one transaction at a time) and gets null. A taken address throws
   * a unique violation, and the invitation stays.
   */
  async accept(tokenHash: string, acceptance: Acceptance): Promise<PendingInvitation | null> {
    return this.db.transaction().execute(async (tx) => {
      const invitation = await pendingBy(tx, tokenHash, acceptance.at);
      if (!invitation) return null;
      const deleted = await tx.deleteFrom('invitations').where('id', '=', invitation.id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return null;
      await tx
        .insertInto('users')
        .values({
          id: acceptance.userId,
          organisation_id: invitation.organisationId,
          email: invitation.email,
          display_name: acceptance.displayName,
          role: invitation.role,
          password_hash: acceptance.passwordHash,
          hidden: 0,
          revoked_at: null,
          created_at: acceptance.at,
        })
        .execute();
      return invitation;
    });
  }
}

/** Invitations as the administration sees them, with the inviter's name (null once they are gone). */
function views(db: Kysely<Database>) {
  return db
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id as id',
      'i.email as email',
      'i.role as role',
      'u.display_name as invitedBy',
      'i.created_at as createdAt',
      'i.expires_at as expiresAt',
    ]);
}

function pendingBy(db: Kysely<Database>, tokenHash: string, now: string) {
  return db
    .selectFrom('invitations as i')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select([
      'i.id as id',
      'i.organisation_id as organisationId',
      'i.email as email',
      'i.role as role',
      'o.name as organisationName',
      'i.expires_at as expiresAt',
    ])
    .where('i.token_hash', '=', tokenHash)
    .where('i.expires_at', '>', now)
    .executeTakeFirst();
}
