import type { AnyDb } from './any-db';

/**
 * Room systems invited to scheduled meetings, and joining them by themselves (ADM-ROOMS,
 * ADM-CALENDAR). Never edit one that has shipped.
 */
export const roomInviteeMigrations = {
  '0041_room_invitees': {
    async up(db: AnyDb) {
      // A meeting room booked for a meeting: its screen lists the meeting on its day. Goes with either.
      await db.schema
        .createTable('meeting_room_systems')
        .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('room_system_id', 'text', (c) =>
          c.notNull().references('room_systems.id').onDelete('cascade'),
        )
        .addPrimaryKeyConstraint('meeting_room_systems_pk', ['meeting_id', 'room_system_id'])
        .execute();
      await db.schema
        .createIndex('meeting_room_systems_by_room')
        .on('meeting_room_systems')
        .column('room_system_id')
        .execute();
      // 1: the screen joins a meeting it is invited to by itself when the meeting starts.
      await db.schema
        .alterTable('room_systems')
        .addColumn('auto_join', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('room_systems').dropColumn('auto_join').execute();
      await db.schema.dropTable('meeting_room_systems').execute();
    },
  },
};
