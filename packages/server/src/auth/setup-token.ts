import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import { hashToken, newSecretToken } from '../common/ids';
import type { Database } from '../db';

const ROW_ID = 'primary';

/**
 * The one-time token without which first-run setup is refused, so that whoever reaches a new
 * install first cannot make themselves its Administrator. Each start of a server that is not set up
 * issues a fresh one (the previous one stops working); setup deletes it. Only its hash is stored.
 */
export class SetupTokenStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async issue(): Promise<string> {
    const token = newSecretToken();
    const row = { token_hash: hashToken(token), created_at: this.clock.now().toISOString() };
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('setup_token').execute();
      await tx
        .insertInto('setup_token')
        .values({ id: ROW_ID, ...row })
        .execute();
    });
    return token;
  }

  async matches(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const row = await this.db.selectFrom('setup_token').select('token_hash').executeTakeFirst();
    if (!row) return false;
    const given = Buffer.from(hashToken(token));
    const expected = Buffer.from(row.token_hash);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
