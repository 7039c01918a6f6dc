import type { Kysely, Selectable } from 'kysely';
import type { PasskeyView } from '@conclave/protocol';
import { isUniqueViolation, type Database } from '../db';

export interface PasskeyRecord {
  id: string;
  userId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function record(row: Selectable<Database['passkeys']>): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: parseTransports(row.transports),
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

function parseTransports(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

export const passkeyView = (p: PasskeyRecord): PasskeyView => ({
  id: p.id,
  name: p.name,
  createdAt: p.createdAt,
  lastUsedAt: p.lastUsedAt,
});

/** People's passkeys (`passkeys`): the public half of each, its counter and its name. */
export class PasskeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The person's passkeys, oldest first. */
  async list(userId: string): Promise<PasskeyRecord[]> {
    const rows = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(record);
  }

  async find(id: string): Promise<PasskeyRecord | null> {
    const row = await this.db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? record(row) : null;
  }

  async count(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('passkeys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** False when a passkey with this credential id is registered already (to anyone). */
  async add(p: PasskeyRecord): Promise<boolean> {
    try {
      await this.db
        .insertInto('passkeys')
        .values({
          id: p.id,
          user_id: p.userId,
          public_key: p.publicKey,
          counter: p.counter,
          transports: JSON.stringify(p.transports),
          name: p.name,
          created_at: p.createdAt,
          last_used_at: p.lastUsedAt,
        })
        .execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('passkeys')
      .set({ name })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('passkeys')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }

  /**
   * Records a sign-in with the counter the passkey reported: only while that counter is above the
   * stored one (or both stay 0, for authenticators that keep none), so that of two answers racing
   * with the same counter, one is taken. False when it is not.
   */
  async recordUse(id: string, counter: number, at: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('passkeys')
      .set({ counter, last_used_at: at })
      .where('id', '=', id)
      .where((eb) => (counter === 0 ? eb('counter', '=', 0) : eb('counter', '<', counter)))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
}
