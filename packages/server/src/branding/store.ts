import type { BrandingImageKind } from '@conclave/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../db';

/** An image as stored: what it is, its bytes, and their SHA-256 (hex). */
export interface StoredImage {
  contentType: string;
  bytes: Buffer;
  sha256: string;
}

/** The organisation's logo and wallpaper, one row each (ADM-SETTINGS). */
export class OrganisationImageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async read(organisationId: string, kind: BrandingImageKind): Promise<StoredImage | null> {
    const row = await this.db
      .selectFrom('organisation_images')
      .select(['content_type', 'bytes', 'sha256'])
      .where('organisation_id', '=', organisationId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row ? { contentType: row.content_type, bytes: Buffer.from(row.bytes), sha256: row.sha256 } : null;
  }

  /** Each image's hash, without the bytes: enough to name where it is served. */
  async hashes(organisationId: string): Promise<Partial<Record<BrandingImageKind, string>>> {
    const rows = await this.db
      .selectFrom('organisation_images')
      .select(['kind', 'sha256'])
      .where('organisation_id', '=', organisationId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, r.sha256]));
  }

  /** Stores the image of that kind, replacing the one before. */
  async write(
    organisationId: string,
    kind: BrandingImageKind,
    image: StoredImage,
    at: string,
  ): Promise<void> {
    const row = { content_type: image.contentType, bytes: image.bytes, sha256: image.sha256, updated_at: at };
    await this.db
      .insertInto('organisation_images')
      .values({ organisation_id: organisationId, kind, ...row })
      .onConflict((oc) => oc.columns(['organisation_id', 'kind']).doUpdateSet(row))
      .execute();
  }

  /** True when there was one to remove. */
  async remove(organisationId: string, kind: BrandingImageKind): Promise<boolean> {
    const result = await this.db
      .deleteFrom('organisation_images')
      .where('organisation_id', '=', organisationId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
