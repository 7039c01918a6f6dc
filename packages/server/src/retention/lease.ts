import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import type { Database } from '../db';

/**
 * Leases on scheduled jobs that every node runs (PRIV-RETENTION): a job's row names who holds it and
 * until when, and only its holder does the work. Taking one is a single INSERT … ON CONFLICT DO UPDATE
 * … WHERE: on PostgreSQL a second taker waits on the row the first wrote and then sees it held; on
 * SQLite writes are serialised anyway. So of two nodes taking a free lease at once, exactly one gets it.
 */
export class JobLeases {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes the lease on `name` for `holder` until `ttlMs` from now, when it is free, expired, or held
   * by `holder` already (which extends it); false while someone else holds it.
   */
  async take(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const row = await this.db
      .insertInto('job_leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) =>
            eb.or([
              eb('job_leases.expires_at', '<=', now.toISOString()),
              eb('job_leases.holder', '=', holder),
            ]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives the lease back if `holder` has it, so the next run on any node need not wait for it to expire. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
