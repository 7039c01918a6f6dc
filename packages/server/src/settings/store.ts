import type { Kysely } from 'kysely';
import type { Database } from '../db';

/** The sections an organisation has changed, as stored JSON; the rest are at their defaults. */
export class SettingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async read(organisationId: string): Promise<Map<string, unknown>> {
    const rows = await this.db
      .selectFrom('organisation_settings')
      .select(['section', 'value'])
      .where('organisation_id', '=', organisationId)
      .execute();
    return new Map(rows.map((r) => [r.section, JSON.parse(r.value) as unknown]));
  }

  /** Writes these sections in one transaction (each replaces the stored one). */
  async write(organisationId: string, sections: Record<string, unknown>, at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const [section, value] of Object.entries(sections)) {
        const row = { value: JSON.stringify(value), updated_at: at };
        await tx
          .insertInto('organisation_settings')
          .values({ organisation_id: organisationId, section, ...row })
          .onConflict((oc) => oc.columns(['organisation_id', 'section']).doUpdateSet(row))
          .execute();
      }
    });
  }
}
