import type { PeerTarget } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { Clock } from '../common/clock';
import type { Participant } from './participant';

/**
 * ICE restarts a participant may ask for, per connection, in one window. A client restarts when its
 * connection stays down (MEET-RECONNECT), a few times per outage; each restart costs the media server
 * new credentials and connectivity checks, so more than this is refused (`rate_limited`).
 */
const MAX_ICE_RESTARTS = 30;
const ICE_RESTART_WINDOW_MS = 60_000;

/** Counts each participant's ICE restarts per connection in fixed windows. */
export class IceRestartBudget {
  private readonly used = new WeakMap<Participant, Map<PeerTarget, { since: number; count: number }>>();

  constructor(private readonly clock: Clock) {}

  /** Takes one restart of `target` for `p`, or refuses. */
  take(p: Participant, target: PeerTarget): void {
    const now = this.clock.now().getTime();
    let byTarget = this.used.get(p);
    if (!byTarget) {
      byTarget = new Map();
      this.used.set(p, byTarget);
    }
    const window = byTarget.get(target);
    if (!window || now - window.since >= ICE_RESTART_WINDOW_MS) {
      byTarget.set(target, { since: now, count: 1 });
      return;
    }
    if (window.count >= MAX_ICE_RESTARTS) {
      throw new AppError(429, 'rate_limited', 'Too many ICE restarts; wait a minute');
    }
    window.count++;
  }
}
