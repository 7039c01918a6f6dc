import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { orderedIds } from '../common/ids';

type Presence = 'online' | 'offline';

/** A room system whose screen's presence is not what alerts last said of it. */
export interface PresenceChange {
  roomSystemId: string;
  organisationId: string;
  name: string;
  was: Presence | null;
  now: Presence;
}

export interface AlertRow {
  id: string;
  kind: 'roomOffline' | 'roomOnline';
  roomSystemId: string;
  roomSystemName: string;
  at: string;
  mailed: number;
}

export interface Recipient {
  email: string;
  displayName: string;
}

/** Room systems' announced presence and the event alerts (ADM-ROOMS). */
export class AlertStore {
  /** Alerts of the same instant still list in the order they were raised. */
  private readonly nextId = orderedIds();

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Paired room systems (not revoked) whose presence, as `onlineSince` tells it from their last
   * check-in, differs from what was last announced.
   */
  async changes(onlineSince: string): Promise<PresenceChange[]> {
    const rows = await this.db
      .selectFrom('room_systems')
      .select(['id', 'organisation_id', 'name', 'last_seen_at', 'announced_presence'])
      .where('revoked_at', 'is', null)
      .where('session_id', 'is not', null)
      .execute();
    return rows.flatMap((r) => {
      const now: Presence = r.last_seen_at !== null && r.last_seen_at >= onlineSince ? 'online' : 'offline';
      return now === r.announced_presence
        ? []
        : [
            {
              roomSystemId: r.id,
              organisationId: r.organisation_id,
              name: r.name,
              was: r.announced_presence,
              now,
            },
          ];
    });
  }

  /**
   * Announces a change, if it is still the one seen: of nodes checking at once, exactly one gets
   * true and alerts.
   */
  async announce(change: PresenceChange): Promise<boolean> {
    const result = await this.db
      .updateTable('room_systems')
      .set({ announced_presence: change.now })
      .where('id', '=', change.roomSystemId)
      .where((eb) =>
        change.was === null
          ? eb('announced_presence', 'is', null)
          : eb('announced_presence', '=', change.was),
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async add(alert: {
    organisationId: string;
    kind: AlertRow['kind'];
    roomSystemId: string;
    at: string;
    mailed: number;
  }): Promise<void> {
    await this.db
      .insertInto('event_alerts')
      .values({
        id: this.nextId(Date.parse(alert.at)),
        organisation_id: alert.organisationId,
        kind: alert.kind,
        room_system_id: alert.roomSystemId,
        at: alert.at,
        mailed: alert.mailed,
      })
      .execute();
  }

  /** The organisation's latest alerts, newest first. */
  async latest(organisationId: string, limit: number): Promise<AlertRow[]> {
    const rows = await this.db
      .selectFrom('event_alerts as a')
      .innerJoin('room_systems as r', 'r.id', 'a.room_system_id')
      .select(['a.id', 'a.kind', 'a.room_system_id', 'r.name', 'a.at', 'a.mailed'])
      .where('a.organisation_id', '=', organisationId)
      .orderBy('a.at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      roomSystemId: r.room_system_id,
      roomSystemName: r.name,
      at: r.at,
      mailed: r.mailed,
    }));
  }

  /** Who is told: the organisation's Superusers and Administrator who still have access. */
  async recipients(organisationId: string): Promise<Recipient[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(['email', 'display_name'])
      .where('organisation_id', '=', organisationId)
      .where('role', 'in', ['superuser', 'administrator'])
      .where('revoked_at', 'is', null)
      .orderBy('email')
      .execute();
    return rows.map((r) => ({ email: r.email, displayName: r.display_name }));
  }
}
