import type { Kysely } from 'kysely';
import type { OrganisationView, Role, UserView } from '@conclave/protocol';
import type { Database } from '../db';

export interface UserRecord extends UserView {
  organisationId: string;
  passwordHash: string | null;
  /** Access revoked (IAM-REVOKE): sign-in is refused. */
  revoked: boolean;
}

export interface NewUser {
  id: string;
  organisationId: string;
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string | null;
  createdAt: string;
}

/** Organisations, users and the installation marker. */
export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async isSetUp(): Promise<boolean> {
    const row = await this.db.selectFrom('installation').select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Creates the organisation, its first Administrator and the installation marker in one transaction.
   * The marker's fixed primary key makes a concurrent second setup fail with a unique violation.
   */
  async completeSetup(org: { id: string; name: string }, admin: NewUser, at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('organisations').values({ id: org.id, name: org.name, created_at: at }).execute();
      await tx.insertInto('users').values(toRow(admin)).execute();
      await tx
        .insertInto('installation')
        .values({ id: 'primary', organisation_id: org.id, completed_at: at })
        .execute();
      // The setup token is single-use: once set up, no link can be replayed.
      await tx.deleteFrom('setup_token').execute();
    });
  }

  async createOrganisation(org: { id: string; name: string; createdAt: string }): Promise<void> {
    await this.db
      .insertInto('organisations')
      .values({ id: org.id, name: org.name, created_at: org.createdAt })
      .execute();
  }

  /** Throws a unique violation when the email is taken. */
  async createUser(user: NewUser): Promise<void> {
    await this.db.insertInto('users').values(toRow(user)).execute();
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', userId)
      .execute();
  }

  async setDisplayName(userId: string, displayName: string): Promise<void> {
    await this.db.updateTable('users').set({ display_name: displayName }).where('id', '=', userId).execute();
  }

  async findUserById(id: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** The organisation first-run setup made: the one a sign-in page signs into. */
  async primaryOrganisationId(): Promise<string | null> {
    const row = await this.db
      .selectFrom('installation')
      .select('organisation_id')
      .limit(1)
      .executeTakeFirst();
    return row?.organisation_id ?? null;
  }

  async findOrganisation(id: string): Promise<OrganisationView | null> {
    const row = await this.db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }
}

function toRow(u: NewUser): Database['users'] {
  return {
    id: u.id,
    organisation_id: u.organisationId,
    email: u.email,
    display_name: u.displayName,
    role: u.role,
    password_hash: u.passwordHash,
    // Everyone is in the directory until someone who may hides them.
    hidden: 0,
    revoked_at: null,
    created_at: u.createdAt,
  };
}

function fromRow(r: Database['users']): UserRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    revoked: r.revoked_at !== null,
  };
}
