import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqlite } from '../../../packages/server/src/db/connect';
import { AlertStore } from '../../../packages/server/src/alerts/store';
import { CallRecordStore } from '../../../packages/server/src/reports/store';
import type { TestServer } from './server';

/** Someone's time in a meeting: `u:<user id>` or `g:<guest id>`, from when to when. */
export interface Stay {
  subject: string;
  from: Date;
  to: Date;
}

/**
 * Records a time a meeting was held in the past (ADM-USAGE), as its room would have: through the
 * server's own call record store, in the test server's own database (SQLite in WAL mode, which this
 * process may write while the server runs). Reports count whole days, which a test cannot wait for.
 */
export async function recordPastCall(server: TestServer, meetingId: string, stays: Stay[]): Promise<void> {
  const handle = openSqlite(join(server.dataFolder, 'conclave.db'));
  try {
    const { organisation_id } = await handle.db
      .selectFrom('meetings')
      .select('organisation_id')
      .where('id', '=', meetingId)
      .executeTakeFirstOrThrow();
    const store = new CallRecordStore(handle.db);
    const recorded = stays.map((stay) => ({ ...stay, participantId: randomUUID() }));
    for (const stay of [...recorded].sort((a, b) => a.from.getTime() - b.from.getTime())) {
      await store.join(
        {
          participantId: stay.participantId,
          meetingId,
          organisationId: organisation_id,
          subject: stay.subject,
          joinedAt: stay.from.toISOString(),
          mediaServer: null,
          region: null,
        },
        stay.from.toISOString(),
      );
    }
    const byLeave = [...recorded].sort((a, b) => a.to.getTime() - b.to.getTime());
    for (const stay of byLeave) await store.leave(stay.participantId, stay.to.toISOString());
    const last = byLeave.at(-1);
    if (last) await store.endCall(meetingId, last.to.toISOString());
  } finally {
    await handle.close();
  }
}

/**
 * Records that a room system went offline (ADM-ROOMS), as the server's alerts would after 30 s
 * without a check-in: through its own alert store, in the test server's database.
 */
export async function recordRoomAlert(
  server: TestServer,
  roomName: string,
  kind: 'roomOffline' | 'roomOnline',
): Promise<void> {
  const handle = openSqlite(join(server.dataFolder, 'conclave.db'));
  try {
    const room = await handle.db
      .selectFrom('room_systems')
      .select(['id', 'organisation_id'])
      .where('name', '=', roomName)
      .executeTakeFirstOrThrow();
    await new AlertStore(handle.db).add({
      organisationId: room.organisation_id,
      kind,
      roomSystemId: room.id,
      at: new Date().toISOString(),
      mailed: 1,
    });
  } finally {
    await handle.close();
  }
}
