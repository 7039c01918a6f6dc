import type { Kysely } from 'kysely';
import type { Database } from '../db';

export interface OidcConfig {
  organisationId: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  ssoOnly: boolean;
}

export interface SsoAttempt {
  organisationId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

/** Identity-provider configurations and the sign-ins under way. */
export class SsoStore {
  constructor(private readonly db: Kysely<Database>) {}

  async config(organisationId: string): Promise<OidcConfig | null> {
    const row = await this.db
      .selectFrom('sso_configs')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return row
      ? {
          organisationId: row.organisation_id,
          issuer: row.issuer,
          clientId: row.client_id,
          clientSecret: row.client_secret,
          ssoOnly: row.sso_only === 1,
        }
      : null;
  }

  async saveConfig(c: OidcConfig, at: string): Promise<void> {
    const values = {
      protocol: 'oidc' as const,
      issuer: c.issuer,
      client_id: c.clientId,
      client_secret: c.clientSecret,
      sso_only: c.ssoOnly ? (1 as const) : (0 as const),
      updated_at: at,
    };
    await this.db
      .insertInto('sso_configs')
      .values({ organisation_id: c.organisationId, ...values })
      .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
      .execute();
  }

  async removeConfig(organisationId: string): Promise<void> {
    await this.db.deleteFrom('sso_configs').where('organisation_id', '=', organisationId).execute();
  }

  /** Adds an attempt, first letting the expired ones go. */
  async addAttempt(
    id: string,
    tokenHash: string,
    a: SsoAttempt,
    expiresAt: string,
    now: string,
  ): Promise<void> {
    await this.db.deleteFrom('sso_attempts').where('expires_at', '<=', now).execute();
    await this.db
      .insertInto('sso_attempts')
      .values({
        id,
        token_hash: tokenHash,
        organisation_id: a.organisationId,
        state: a.state,
        nonce: a.nonce,
        code_verifier: a.codeVerifier,
        next: a.next,
        expires_at: expiresAt,
      })
      .execute();
  }

  /** The attempt, removed so it serves once; null when unknown or expired (expired ones go too). */
  async takeAttempt(tokenHash: string, now: string): Promise<SsoAttempt | null> {
    await this.db.deleteFrom('sso_attempts').where('expires_at', '<=', now).execute();
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('sso_attempts')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return null;
      const deleted = await tx.deleteFrom('sso_attempts').where('id', '=', row.id).executeTakeFirst();
      // Another request took it meanwhile.
      if (Number(deleted.numDeletedRows) !== 1) return null;
      return {
        organisationId: row.organisation_id,
        state: row.state,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        next: row.next,
      };
    });
  }
}
