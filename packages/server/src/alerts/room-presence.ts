import { ROOM_ONLINE_MS } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import type { Mailer } from '../mail';
import type { AlertStore, PresenceChange } from './store';

/** How often presence is compared with what was announced; an outage is told within this and ROOM_ONLINE_MS. */
export const PRESENCE_CHECK_EVERY_MS = 15_000;

/**
 * Event alerts of room systems (ADM-ROOMS): a screen that stops checking in for ROOM_ONLINE_MS is
 * offline, one that checks in again is back. Every node compares; the conditional update of
 * `announced_presence` lets exactly one of them alert for each change. A room system's first
 * presence (just paired) is only noted. With the organisation's alerts off, changes are noted too,
 * so that turning alerts on later tells nothing stale.
 */
export class RoomPresenceAlerts {
  constructor(
    private readonly d: {
      store: AlertStore;
      mailer: Mailer;
      clock: Clock;
      /** Whether the organisation has room-system alerts on (ADM-SETTINGS). */
      enabled: (organisationId: string) => Promise<boolean>;
      publicUrl: string;
    },
  ) {}

  /** One comparison; resolves once every alert it raised is recorded and mailed. */
  async check(): Promise<void> {
    const now = this.d.clock.now();
    const onlineSince = new Date(now.getTime() - ROOM_ONLINE_MS).toISOString();
    for (const change of await this.d.store.changes(onlineSince)) {
      if (!(await this.d.store.announce(change))) continue;
      if (change.was === null || !(await this.d.enabled(change.organisationId))) continue;
      await this.alert(change, now);
    }
  }

  private async alert(change: PresenceChange, at: Date): Promise<void> {
    const offline = change.now === 'offline';
    const recipients = await this.d.store.recipients(change.organisationId);
    const subject = offline
      ? `Room system “${change.name}” is offline`
      : `Room system “${change.name}” is back online`;
    const text = [
      offline
        ? `The room system “${change.name}” has not been heard from since about ${at.toISOString()} (UTC).`
        : `The room system “${change.name}” is back online since ${at.toISOString()} (UTC).`,
      '',
      `Room systems: ${this.d.publicUrl}/admin/room-systems`,
    ].join('\n');
    let mailed = 0;
    for (const r of recipients) {
      if (await this.d.mailer.send({ to: r.email, subject, text, kind: 'room alert' })) mailed++;
    }
    await this.d.store.add({
      organisationId: change.organisationId,
      kind: offline ? 'roomOffline' : 'roomOnline',
      roomSystemId: change.roomSystemId,
      at: at.toISOString(),
      mailed,
    });
  }
}
