import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import { hashToken, newId, newSecretToken } from '../common/ids';
import type { Database } from '../db';

/** Trusted browsers are forgotten after this long without a sign-in. */
export const DEVICE_TTL_MS = 180 * 24 * 3600_000;
/** Each user keeps at most this many trusted browsers; the least recently used go first. */
const MAX_DEVICES_PER_USER = 10;

/**
 * Browsers where a user signed in successfully, known by a random cookie token (stored hashed).
 * Holding one proves nothing about the password; it only tells the sign-in guard that this attempt
 * comes from the account owner's own browser, which strangers' failures must not lock out.
 */
export class TrustedDeviceStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** The user a device token was issued to, while it is fresh. */
  async userOf(token: string | undefined): Promise<{ id: string; userId: string } | null> {
    if (!token || token.length > 256) return null;
    const row = await this.db
      .selectFrom('trusted_devices')
      .select(['id', 'user_id', 'last_used_at'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return null;
    if (this.clock.now().getTime() - new Date(row.last_used_at).getTime() >= DEVICE_TTL_MS) return null;
    return { id: row.id, userId: row.user_id };
  }

  /** After a successful sign-in: keeps this device trusted, or trusts a new one; returns its token. */
  async remember(userId: string, existing: { id: string; userId: string } | null): Promise<string | null> {
    const now = this.clock.now().toISOString();
    if (existing?.userId === userId) {
      await this.db
        .updateTable('trusted_devices')
        .set({ last_used_at: now })
        .where('id', '=', existing.id)
        .execute();
      return null;
    }
    const token = newSecretToken();
    await this.db
      .insertInto('trusted_devices')
      .values({
        id: newId(),
        token_hash: hashToken(token),
        user_id: userId,
        created_at: now,
        last_used_at: now,
      })
      .execute();
    const stale = await this.db
      .selectFrom('trusted_devices')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('last_used_at', 'desc')
      .offset(MAX_DEVICES_PER_USER)
      .limit(1000)
      .execute();
    if (stale.length > 0) {
      await this.db
        .deleteFrom('trusted_devices')
        .where(
          'id',
          'in',
          stale.map((r) => r.id),
        )
        .execute();
    }
    return token;
  }

  /** Forgets every browser of the user (their password changed: whoever used it is a stranger now). */
  async forgetAll(userId: string): Promise<void> {
    await this.db.deleteFrom('trusted_devices').where('user_id', '=', userId).execute();
  }
}
