import { sql, type Migration, type RawBuilder } from 'kysely';
import type { AnyDb } from './any-db';

/**
 * Identity and administration, and account security: revocation and the audit log, settings, single
 * sign-on (OIDC, SAML), password resets, session devices, second factors, invitations, passkeys.
 * Never edit one that has shipped: add a new one.
 */
export const identityMigrations: Record<string, Migration> = {
  '0009_revocation_and_audit': {
    async up(db: AnyDb) {
      await db.schema.alterTable('users').addColumn('revoked_at', 'text').execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_kind', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('target_name', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_by_time')
        .on('audit_events')
        .columns(['organisation_id', 'at', 'id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('audit_events').execute();
      await db.schema.alterTable('users').dropColumn('revoked_at').execute();
    },
  },
  '0010_organisation_settings': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('organisation_settings')
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('section', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('organisation_settings_pk', ['organisation_id', 'section'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('organisation_settings').execute();
    },
  },
  '0011_single_sign_on': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('sso_configs')
        .addColumn('organisation_id', 'text', (c) =>
          c.primaryKey().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_secret', 'text')
        .addColumn('sso_only', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`sso_only in (0, 1)`),
        )
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sso_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('next', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('sso_attempts').execute();
      await db.schema.dropTable('sso_configs').execute();
    },
  },
  '0012_saml': {
    async up(db: AnyDb) {
      // One identity provider per organisation, either protocol: the table is rebuilt with each
      // protocol's own columns, nullable, since SQLite cannot relax NOT NULL in place.
      await db.schema
        .createTable('sso_configs_next')
        .addColumn('organisation_id', 'text', (c) =>
          c.primaryKey().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('protocol', 'text', (c) => c.notNull().check(sql`protocol in ('oidc', 'saml')`))
        .addColumn('sso_only', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`sso_only in (0, 1)`),
        )
        .addColumn('oidc_issuer', 'text')
        .addColumn('oidc_client_id', 'text')
        .addColumn('oidc_client_secret', 'text')
        .addColumn('saml_entity_id', 'text')
        .addColumn('saml_sso_url', 'text')
        .addColumn('saml_certificates', 'text')
        .addColumn('saml_idp_initiated', 'integer')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into sso_configs_next
          (organisation_id, protocol, sso_only, oidc_issuer, oidc_client_id, oidc_client_secret, updated_at)
        select organisation_id, protocol, sso_only, issuer, client_id, client_secret, updated_at
        from sso_configs`.execute(db);
      await db.schema.dropTable('sso_configs').execute();
      await db.schema.alterTable('sso_configs_next').renameTo('sso_configs').execute();
      await db.schema
        .createTable('saml_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('next', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('saml_assertions_seen')
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('assertion_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('saml_assertions_seen_pk', ['organisation_id', 'assertion_id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('saml_assertions_seen').execute();
      await db.schema.dropTable('saml_requests').execute();
      await db.deleteFrom('sso_configs').where('protocol', '=', 'saml').execute();
      await db.schema
        .createTable('sso_configs_prev')
        .addColumn('organisation_id', 'text', (c) =>
          c.primaryKey().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_secret', 'text')
        .addColumn('sso_only', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`sso_only in (0, 1)`),
        )
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into sso_configs_prev
          (organisation_id, protocol, issuer, client_id, client_secret, sso_only, updated_at)
        select organisation_id, protocol, oidc_issuer, oidc_client_id, oidc_client_secret, sso_only, updated_at
        from sso_configs`.execute(db);
      await db.schema.dropTable('sso_configs').execute();
      await db.schema.alterTable('sso_configs_prev').renameTo('sso_configs').execute();
    },
  },
  '0013_password_resets': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('password_resets')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('password_resets').execute();
    },
  },
  '0014_session_devices': {
    async up(db: AnyDb) {
      await db.schema.alterTable('sessions').addColumn('device', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('sessions').dropColumn('device').execute();
    },
  },
  '0015_second_factors': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('totp_factors')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'text')
        .addColumn('last_step', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createTable('sign_in_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('device_id', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('sign_in_challenges').execute();
      await db.schema.dropTable('recovery_codes').execute();
      await db.schema.dropTable('totp_factors').execute();
    },
  },
  '0016_invitations': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('user', 'superuser')`))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('invited_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        // One pending invitation per address: inviting it again replaces the row (and its link).
        .addUniqueConstraint('invitations_organisation_email_unique', ['organisation_id', 'email'])
        .execute();
      // Deleting an account sets its invitations' invited_by to null: without this, a scan.
      await db.schema
        .createIndex('invitations_invited_by_idx')
        .on('invitations')
        .column('invited_by')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('invitations').execute();
    },
  },
  '0017_second_factor_setup': {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('sessions')
        .addColumn('second_factor_setup', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('sessions').dropColumn('second_factor_setup').execute();
    },
  },
  '0018_passkeys': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('passkeys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('public_key', 'text', (c) => c.notNull())
        // Signature counters are unsigned 32-bit: past PostgreSQL's integer.
        .addColumn('counter', 'bigint', (c) => c.notNull())
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('passkeys_user_id_idx').on('passkeys').column('user_id').execute();
      await db.schema
        .createTable('passkey_challenges')
        .addColumn('challenge', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (c) =>
          c.notNull().check(sql`purpose in ('register', 'sign-in', 'second-factor')`),
        )
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('passkey_challenges_expires_at_idx')
        .on('passkey_challenges')
        .column('expires_at')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('passkey_challenges').execute();
      await db.schema.dropTable('passkeys').execute();
    },
  },
  '0019_passkey_confirm': {
    // A CHECK constraint cannot be altered on SQLite; the table holds only challenges that live five
    // minutes, so it is made again (as 0018 made it) with the new purpose allowed.
    async up(db: AnyDb) {
      await recreatePasskeyChallenges(
        db,
        sql`purpose in ('register', 'sign-in', 'second-factor', 'confirm')`,
      );
    },
    async down(db: AnyDb) {
      await recreatePasskeyChallenges(db, sql`purpose in ('register', 'sign-in', 'second-factor')`);
    },
  },
};

async function recreatePasskeyChallenges(db: AnyDb, purposes: RawBuilder<unknown>): Promise<void> {
  await db.schema.dropTable('passkey_challenges').execute();
  await db.schema
    .createTable('passkey_challenges')
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(purposes))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('passkey_challenges_expires_at_idx')
    .on('passkey_challenges')
    .column('expires_at')
    .execute();
}
