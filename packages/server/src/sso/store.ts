import type { Kysely } from 'kysely';
import { isUniqueViolation, type Database } from '../db';

interface ConfigBase {
  organisationId: string;
  ssoOnly: boolean;
}

export interface OidcConfig extends ConfigBase {
  protocol: 'oidc';
  issuer: string;
  clientId: string;
  clientSecret: string | null;
}

export interface SamlConfig extends ConfigBase {
  protocol: 'saml';
  entityId: string;
  ssoUrl: string;
  /** PEM certificates, any of which may sign (two while the identity provider rolls its key). */
  certificates: string[];
  allowIdpInitiated: boolean;
}

export type SsoConfig = OidcConfig | SamlConfig;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

export interface SsoAttempt {
  organisationId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

/** Identity-provider configurations, the sign-ins under way and the SAML assertions already used. */
export class SsoStore {
  constructor(private readonly db: Kysely<Database>) {}

  async config(organisationId: string): Promise<SsoConfig | null> {
    const row = await this.db
      .selectFrom('sso_configs')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    if (!row) return null;
    const base = { organisationId: row.organisation_id, ssoOnly: row.sso_only === 1 };
    return row.protocol === 'saml'
      ? {
          ...base,
          protocol: 'saml',
          entityId: row.saml_entity_id ?? '',
          ssoUrl: row.saml_sso_url ?? '',
          certificates: row.saml_certificates?.match(PEM_CERTIFICATE) ?? [],
          allowIdpInitiated: row.saml_idp_initiated === 1,
        }
      : {
          ...base,
          protocol: 'oidc',
          issuer: row.oidc_issuer ?? '',
          clientId: row.oidc_client_id ?? '',
          clientSecret: row.oidc_client_secret,
        };
  }

  async saveConfig(c: SsoConfig, at: string): Promise<void> {
    const values = {
      protocol: c.protocol,
      sso_only: c.ssoOnly ? (1 as const) : (0 as const),
      oidc_issuer: c.protocol === 'oidc' ? c.issuer : null,
      oidc_client_id: c.protocol === 'oidc' ? c.clientId : null,
      oidc_client_secret: c.protocol === 'oidc' ? c.clientSecret : null,
      saml_entity_id: c.protocol === 'saml' ? c.entityId : null,
      saml_sso_url: c.protocol === 'saml' ? c.ssoUrl : null,
      saml_certificates: c.protocol === 'saml' ? c.certificates.join('\n') : null,
      saml_idp_initiated: c.protocol === 'saml' ? (c.allowIdpInitiated ? (1 as const) : (0 as const)) : null,
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

  /** Adds a SAML request awaiting its answer, first letting the expired ones go. */
  async addSamlRequest(id: string, organisationId: string, next: string, expiresAt: string, now: string) {
    await this.db.deleteFrom('saml_requests').where('expires_at', '<=', now).execute();
    await this.db
      .insertInto('saml_requests')
      .values({ id, organisation_id: organisationId, next, expires_at: expiresAt })
      .execute();
  }

  /** Where the person was going; null when the request is unknown, expired or already answered. */
  async takeSamlRequest(id: string, organisationId: string, now: string): Promise<string | null> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('saml_requests')
        .select('next')
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      const deleted = await tx
        .deleteFrom('saml_requests')
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
      // Another request took it meanwhile.
      return row && Number(deleted.numDeletedRows) === 1 ? row.next : null;
    });
  }

  /**
   * Records an assertion as used; false when it was used before. The insert itself decides, so two
   * copies posted at once cannot both pass.
   */
  async firstUseOfAssertion(
    organisationId: string,
    assertionId: string,
    expiresAt: string,
    now: string,
  ): Promise<boolean> {
    await this.db.deleteFrom('saml_assertions_seen').where('expires_at', '<=', now).execute();
    try {
      await this.db
        .insertInto('saml_assertions_seen')
        .values({ organisation_id: organisationId, assertion_id: assertionId, expires_at: expiresAt })
        .execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }
}
