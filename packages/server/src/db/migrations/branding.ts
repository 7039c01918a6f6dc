import { PostgresAdapter, sql, type Migration } from 'kysely';
import type { AnyDb } from './any-db';

/** Branding (ADM-SETTINGS): the organisation's images. Never edit one that has shipped. */
export const brandingMigrations: Record<string, Migration> = {
  '0039_organisation_images': {
    async up(db: AnyDb) {
      // Bytes as the database keeps them: SQLite's blob, PostgreSQL's bytea (it has no blob).
      const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
      // The logo and the room systems' wallpaper, a few MiB at most (branding/limits in the protocol);
      // in the database so that every node serves them and backups hold them.
      await db.schema
        .createTable('organisation_images')
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('logo', 'wallpaper')`))
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        // Hex, the served ETag.
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('organisation_images_pk', ['organisation_id', 'kind'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('organisation_images').execute();
    },
  },
};
