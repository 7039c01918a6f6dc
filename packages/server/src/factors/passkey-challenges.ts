import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import type { Database, PasskeyChallengePurpose } from '../db';

/** A browser has this long to answer (WebAuthn's own prompt times out sooner). */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** What simplewebauthn makes: 32 random bytes, base64url. */
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * WebAuthn challenges handed out (`passkey_challenges`): each is taken once, for the purpose and the
 * person it was made for, before it expires. Expired rows go whenever a new one is kept; the callers
 * bound how many are made (per client address, or one per person registering or confirming).
 */
export class PasskeyChallenges {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async keep(challenge: string, purpose: PasskeyChallengePurpose, userId: string | null): Promise<void> {
    const now = this.clock.now();
    await this.db.deleteFrom('passkey_challenges').where('expires_at', '<=', now.toISOString()).execute();
    // One registration and one confirmation at a time per person: a new one replaces what an earlier
    // tab began, so a signed-in session cannot pile challenges up.
    if ((purpose === 'register' || purpose === 'confirm') && userId !== null) {
      await this.db
        .deleteFrom('passkey_challenges')
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .execute();
    }
    await this.db
      .insertInto('passkey_challenges')
      .values({
        challenge,
        user_id: userId,
        purpose,
        expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
      })
      .execute();
  }

  /**
   * Takes the challenge if it is live and was made for this purpose and person (null: for anyone);
   * false otherwise, also when another request took it first.
   */
  async take(challenge: string, purpose: PasskeyChallengePurpose, userId: string | null): Promise<boolean> {
    // It comes from the browser's client data: anything else could not have been ours.
    if (!CHALLENGE_PATTERN.test(challenge)) return false;
    const deleted = await this.db
      .deleteFrom('passkey_challenges')
      .where('challenge', '=', challenge)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', this.clock.now().toISOString())
      .where('user_id', userId === null ? 'is' : '=', userId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }
}
