import { sql } from 'kysely';
import type { AnyDb } from './any-db';

/** Event alerts (ADM-ROOMS): room systems going offline and coming back. Never edit one that has shipped. */
export const alertMigrations = {
  '0040_room_alerts': {
    async up(db: AnyDb) {
      // What was last announced of the room system's screen: online | offline; null until first seen.
      await db.schema
        .alterTable('room_systems')
        .addColumn('announced_presence', 'text', (c) =>
          c.check(sql`announced_presence in ('online', 'offline')`),
        )
        .execute();
      await db.schema
        .createTable('event_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organisation_id', 'text', (c) =>
          c.notNull().references('organisations.id').onDelete('cascade'),
        )
        // roomOffline | roomOnline
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('room_system_id', 'text', (c) =>
          c.notNull().references('room_systems.id').onDelete('cascade'),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        // How many of the organisation's managers the alert was mailed to.
        .addColumn('mailed', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('event_alerts_by_organisation')
        .on('event_alerts')
        .columns(['organisation_id', 'at'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('event_alerts').execute();
      await db.schema.alterTable('room_systems').dropColumn('announced_presence').execute();
    },
  },
};
