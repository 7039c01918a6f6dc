import type { Kysely } from 'kysely';
import { newId } from '../common/ids';
import type { Database } from '../db';

export interface TotpFactor {
  secret: string;
  confirmed: boolean;
  lastStep: number | null;
}

/** Authenticator-app secrets and recovery codes, per account. */
export class FactorStore {
  constructor(private readonly db: Kysely<Database>) {}

  async totp(userId: string): Promise<TotpFactor | null> {
    const row = await this.db
      .selectFrom('totp_factors')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? { secret: row.secret, confirmed: row.confirmed_at !== null, lastStep: row.last_step } : null;
  }

  /** A secret being set up replaces any unconfirmed one; never a confirmed one (false then). */
  async draftTotp(userId: string, secret: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('totp_factors')
        .select('confirmed_at')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (existing?.confirmed_at) return false;
      await tx.deleteFrom('totp_factors').where('user_id', '=', userId).execute();
      await tx
        .insertInto('totp_factors')
        .values({ user_id: userId, secret, confirmed_at: null, last_step: null, created_at: at })
        .execute();
      return true;
    });
  }

  async confirmTotp(userId: string, step: number, at: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('totp_factors')
      .set({ confirmed_at: at, last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Marks a time step used; false when it (or a later one) was used already, also by a racing request. */
  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const updated = await this.db
      .updateTable('totp_factors')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  async removeTotp(userId: string): Promise<void> {
    await this.db.deleteFrom('totp_factors').where('user_id', '=', userId).execute();
  }

  async replaceRecoveryCodes(userId: string, hashes: string[], at: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await tx
        .insertInto('recovery_codes')
        .values(hashes.map((h) => ({ id: newId(at), user_id: userId, code_hash: h, used_at: null })))
        .execute();
    });
  }

  /** Uses a recovery code once; false when it is not one of the account's unused codes. */
  async useRecoveryCode(userId: string, hash: string, at: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async removeRecoveryCodes(userId: string): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  }
}
