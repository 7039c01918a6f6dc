import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import { hashToken, newId, newSecretToken } from '../common/ids';
import type { Database } from '../db';

/** A half-done sign-in lasts this long, */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** and takes this many wrong second factors before the password must be given again. */
const CHALLENGE_ATTEMPTS = 5;

export interface Challenge {
  userId: string;
  deviceId: string | null;
}

/** Sign-ins whose password was right and whose second factor is awaited (`sign_in_challenges`). */
export class ChallengeStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** A new challenge; the token goes into the browser's cookie and nowhere else. */
  async open(userId: string, deviceId: string | null): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock.now();
    const token = newSecretToken();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
    await this.db.deleteFrom('sign_in_challenges').where('expires_at', '<=', now.toISOString()).execute();
    await this.db
      .insertInto('sign_in_challenges')
      .values({
        id: newId(now.getTime()),
        token_hash: hashToken(token),
        user_id: userId,
        device_id: deviceId,
        attempts: 0,
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { token, expiresAt };
  }

  /** Whose sign-in this is while it is live with attempts left (a passkey's options name their passkeys). */
  async pending(token: string | undefined): Promise<string | null> {
    if (!token || token.length > 256) return null;
    const row = await this.db
      .selectFrom('sign_in_challenges')
      .select('user_id')
      .where('token_hash', '=', hashToken(token))
      .where('expires_at', '>', this.clock.now().toISOString())
      .where('attempts', '<', CHALLENGE_ATTEMPTS)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  /**
   * Counts an attempt at the challenge before its proof is checked; null when it is unknown, expired
   * or out of attempts (it is gone then).
   */
  async attempt(token: string | undefined): Promise<Challenge | null> {
    if (!token || token.length > 256) return null;
    const tokenHash = hashToken(token);
    const now = this.clock.now().toISOString();
    const counted = await this.db
      .updateTable('sign_in_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .where('attempts', '<', CHALLENGE_ATTEMPTS)
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) !== 1) {
      await this.db.deleteFrom('sign_in_challenges').where('token_hash', '=', tokenHash).execute();
      return null;
    }
    const row = await this.db
      .selectFrom('sign_in_challenges')
      .select(['user_id', 'device_id'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? { userId: row.user_id, deviceId: row.device_id } : null;
  }

  /** The challenge served: it cannot complete a second sign-in. False when another request took it. */
  async close(token: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('sign_in_challenges')
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }
}
