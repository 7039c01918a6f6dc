import type { Kysely } from 'kysely';
import { API_KEY_SCOPES, type ApiKeyScope, type ApiKeyView, type Role } from '@conclave/protocol';
import type { Database } from '../db';

export interface NewApiKey {
  id: string;
  organisationId: string;
  name: string;
  scopes: readonly ApiKeyScope[];
  prefix: string;
  keyHash: string;
  createdBy: string;
  createdAt: string;
}

/** A working key found by its digest, with its creator as they are now (their rights are the key's). */
export interface KeyHolder {
  id: string;
  name: string;
  prefix: string;
  organisationId: string;
  scopes: ApiKeyScope[];
  lastUsedAt: string | null;
  creator: { id: string; displayName: string; role: Role; revoked: boolean };
}

/** A person of the organisation, as the platform API names one (a meeting's owner). */
export interface Member {
  id: string;
  displayName: string;
  role: Role;
  revoked: boolean;
}

const known = new Set<string>(API_KEY_SCOPES);
/** Scopes as stored; one this version does not know (written by a later one) grants nothing. */
const scopesOf = (text: string) => text.split(' ').filter((s): s is ApiKeyScope => known.has(s));

/** API keys: only their SHA-256 digest and visible prefix are kept. */
export class ApiKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: NewApiKey): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        organisation_id: key.organisationId,
        name: key.name,
        scopes: key.scopes.join(' '),
        prefix: key.prefix,
        key_hash: key.keyHash,
        created_by: key.createdBy,
        created_at: key.createdAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  /** The organisation's keys that are not revoked, newest first. */
  async list(organisationId: string): Promise<ApiKeyView[]> {
    const rows = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.created_by')
      .select([
        'k.id',
        'k.name',
        'k.scopes',
        'k.prefix',
        'k.created_at',
        'k.last_used_at',
        'u.id as creatorId',
        'u.display_name as creatorName',
      ])
      .where('k.organisation_id', '=', organisationId)
      .where('k.revoked_at', 'is', null)
      .orderBy('k.created_at', 'desc')
      .orderBy('k.id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      scopes: scopesOf(r.scopes),
      prefix: r.prefix,
      createdBy: { id: r.creatorId, displayName: r.creatorName },
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  /** Revokes a working key of the organisation; its name, or null when there was none to revoke. */
  async revoke(organisationId: string, id: string, at: string): Promise<string | null> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('api_keys')
        .select('name')
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      await tx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).execute();
      return row.name;
    });
  }

  /** The working key with this digest; read afresh on every request, so a revocation applies at once. */
  async byHash(keyHash: string): Promise<KeyHolder | null> {
    const row = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.created_by')
      .select([
        'k.id',
        'k.name',
        'k.prefix',
        'k.organisation_id',
        'k.scopes',
        'k.last_used_at',
        'u.id as creatorId',
        'u.display_name as creatorName',
        'u.role as creatorRole',
        'u.revoked_at as creatorRevokedAt',
      ])
      .where('k.key_hash', '=', keyHash)
      .where('k.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      organisationId: row.organisation_id,
      scopes: scopesOf(row.scopes),
      lastUsedAt: row.last_used_at,
      creator: {
        id: row.creatorId,
        displayName: row.creatorName,
        role: row.creatorRole,
        revoked: row.creatorRevokedAt !== null,
      },
    };
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  /** A person of the organisation by id, or null. */
  async member(organisationId: string, userId: string): Promise<Member | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'role', 'revoked_at'])
      .where('id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return row
      ? { id: row.id, displayName: row.display_name, role: row.role, revoked: row.revoked_at !== null }
      : null;
  }
}
