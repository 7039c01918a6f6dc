import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Database } from '../db';
import { open, seal } from './envelope';
import type { MasterKey, MasterKeys } from './master-keys';

/** An organisation's data key, unwrapped: only ever in this process's memory. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/** A data key whose master key this node was not given. */
export class UnknownMasterKeyError extends Error {
  constructor(readonly masterKeyId: string) {
    super(
      `A data key is wrapped with master key ${masterKeyId}, which this node does not have: give every node the same CONCLAVE_MASTER_KEY (and the old one in CONCLAVE_MASTER_KEY_PREVIOUS while rotating)`,
    );
    this.name = 'UnknownMasterKeyError';
  }
}

const wrapContext = (organisationId: string, keyId: string) => `conclave data key ${organisationId} ${keyId}`;
// Whose key it is belongs to the lookup: a key id from another organisation's value finds nothing.
const cacheKey = (organisationId: string, keyId: string) => `${organisationId} ${keyId}`;

/**
 * Envelope encryption's middle layer (CHAT-AT-REST): one random AES-256 data key per organisation,
 * stored only wrapped (AES-256-GCM) by the master key from configuration. Rotating the master key
 * re-wraps these few rows and nothing sealed under them.
 */
export class DataKeys {
  private readonly unwrapped = new Map<string, DataKey>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly masters: MasterKeys,
    private readonly clock: Clock,
  ) {}

  /** The organisation's data key, made (once, whichever node asks first) if it has none. */
  async current(organisationId: string): Promise<DataKey> {
    const existing = await this.row(organisationId);
    if (existing) return this.unwrap(organisationId, existing);
    const id = newId(this.clock.now().getTime());
    const key = randomBytes(32);
    await this.db
      .insertInto('data_keys')
      .values({
        id,
        organisation_id: organisationId,
        master_key_id: this.masters.current.id,
        wrapped: seal(this.masters.current.key, key, wrapContext(organisationId, id)).toString('base64'),
        created_at: this.clock.now().toISOString(),
      })
      .onConflict((c) => c.column('organisation_id').doNothing())
      .execute();
    // Another node may have won the race: its key is the organisation's.
    const stored = await this.row(organisationId);
    if (!stored) throw new Error(`no data key for organisation ${organisationId}`);
    return this.unwrap(organisationId, stored);
  }

  /** The data key a sealed value names; null when the organisation has no such key (any more). */
  async byId(organisationId: string, keyId: string): Promise<DataKey | null> {
    const cached = this.unwrapped.get(cacheKey(organisationId, keyId));
    if (cached) return cached;
    const row = await this.db
      .selectFrom('data_keys')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', keyId)
      .executeTakeFirst();
    return row ? this.unwrap(organisationId, row) : null;
  }

  /** Re-wraps every data key still under a previous master key with the current one; how many it did. */
  async rewrap(): Promise<number> {
    let done = 0;
    for (const previous of this.masters.previous) {
      const rows = await this.db
        .selectFrom('data_keys')
        .selectAll()
        .where('master_key_id', '=', previous.id)
        .execute();
      for (const row of rows) {
        const context = wrapContext(row.organisation_id, row.id);
        const key = open(previous.key, Buffer.from(row.wrapped, 'base64'), context);
        const updated = await this.db
          .updateTable('data_keys')
          .set({
            master_key_id: this.masters.current.id,
            wrapped: seal(this.masters.current.key, key, context).toString('base64'),
          })
          // Another node may be re-wrapping too: each row once.
          .where('id', '=', row.id)
          .where('master_key_id', '=', previous.id)
          .executeTakeFirst();
        done += Number(updated.numUpdatedRows);
      }
    }
    return done;
  }

  private row(organisationId: string) {
    return this.db
      .selectFrom('data_keys')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
  }

  private unwrap(
    organisationId: string,
    row: { id: string; master_key_id: string; wrapped: string },
  ): DataKey {
    const cached = this.unwrapped.get(cacheKey(organisationId, row.id));
    if (cached) return cached;
    const master = this.master(row.master_key_id);
    const key = open(master.key, Buffer.from(row.wrapped, 'base64'), wrapContext(organisationId, row.id));
    const dataKey = { id: row.id, key };
    this.unwrapped.set(cacheKey(organisationId, row.id), dataKey);
    return dataKey;
  }

  private master(id: string): MasterKey {
    const { current, previous } = this.masters;
    const found = [current, ...previous].find((m) => m.id === id);
    if (!found) throw new UnknownMasterKeyError(id);
    return found;
  }
}
