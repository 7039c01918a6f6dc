import type { AnyDb } from './any-db';

/**
 * Scheduled meetings, invitees and calendar feeds (ADM-CALENDAR, ADM-INVITE). Never edit one that has
 * shipped.
 */
export const calendarMigrations = {
  '0038_calendar': {
    async up(db: AnyDb) {
      // When the meeting is planned for (ISO, UTC), both or neither; the service keeps them in order.
      await db.schema.alterTable('meetings').addColumn('starts_at', 'text').execute();
      await db.schema.alterTable('meetings').addColumn('ends_at', 'text').execute();
      // The IANA time zone the owner scheduled it in: invitations tell the time there.
      await db.schema.alterTable('meetings').addColumn('time_zone', 'text').execute();
      await db.schema
        .createIndex('meetings_by_start')
        .on('meetings')
        .columns(['owner_id', 'starts_at'])
        .execute();
      // People of the organisation invited to a meeting: they see it, and it is in their calendar feed.
      await db.schema
        .createTable('meeting_invitees')
        .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('meeting_invitees_pk', ['meeting_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('meeting_invitees_by_user')
        .on('meeting_invitees')
        .column('user_id')
        .execute();
      // A person's secret calendar feed URL: only the SHA-256 (hex) of its token is kept.
      await db.schema
        .createTable('calendar_feeds')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('calendar_feeds').execute();
      await db.schema.dropTable('meeting_invitees').execute();
      await db.schema.dropIndex('meetings_by_start').execute();
      await db.schema.alterTable('meetings').dropColumn('time_zone').execute();
      await db.schema.alterTable('meetings').dropColumn('ends_at').execute();
      await db.schema.alterTable('meetings').dropColumn('starts_at').execute();
    },
  },
};
