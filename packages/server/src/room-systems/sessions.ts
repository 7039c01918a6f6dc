import type { RoomSessionView } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { hashToken } from '../common/ids';
import type { RoomPrincipal } from '../domain';
import type { RoomSystemStore } from './store';

/** Last-seen is written at most this often per screen, so its polls do not each become writes. */
const SEEN_EVERY_MS = 10_000;

export interface ActiveRoomSession {
  principal: RoomPrincipal;
  view: RoomSessionView;
}

/**
 * The sessions of room systems' screens (ADM-ROOMS): a 256-bit token in the room cookie, stored as
 * its SHA-256 on the room system. It does not expire while the room system lives; revoking or
 * deleting the room system ends it at once, as the lookup finds nothing from then on. Each lookup
 * is the screen checking in: `last_seen_at` tells who is online (and, later, offline alerts).
 */
export class RoomSessions {
  constructor(
    private readonly store: RoomSystemStore,
    private readonly clock: Clock,
  ) {}

  async resolve(token: string | undefined): Promise<ActiveRoomSession | null> {
    if (!token || token.length > 256) return null;
    const row = await this.store.session(hashToken(token));
    if (!row) return null;
    const now = this.clock.now();
    if (row.lastSeenAt === null || now.getTime() - Date.parse(row.lastSeenAt) >= SEEN_EVERY_MS) {
      await this.store.seen(row.roomSystemId, now.toISOString());
    }
    return {
      principal: {
        kind: 'room',
        roomSystemId: row.roomSystemId,
        organisationId: row.organisationId,
        displayName: row.name,
        sessionId: row.sessionId,
      },
      view: {
        id: row.roomSystemId,
        name: row.name,
        organisation: { id: row.organisationId, name: row.organisationName },
      },
    };
  }
}
