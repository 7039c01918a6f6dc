import type { Clock } from '../common/clock';
import type { Attendance, CallLedger } from '../domain';
import type { CallRecordStore } from './store';

/**
 * A participation nobody has reported present for this long has ended where it was last seen: every
 * node reports its own each minute, so only a node that died stops.
 */
export const UNSEEN_AFTER_MS = 3 * 60_000;

/**
 * Writes what rooms report (PRIV-CDR) one after another, in the order it was told: a leave is never
 * written before its join. A failed write is reported and the next one goes on.
 */
export class CallRecordLedger implements CallLedger {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CallRecordStore,
    private readonly clock: Clock,
    private readonly onError: (err: unknown, what: string) => void,
  ) {}

  joined(attendance: Attendance): void {
    const seenAt = this.clock.now().toISOString();
    this.enqueue('join', () => this.store.join(attendance, seenAt));
  }

  left(participantId: string, at: Date): void {
    this.enqueue('leave', () => this.store.leave(participantId, at.toISOString()));
  }

  present(attendances: readonly Attendance[]): void {
    const now = this.clock.now();
    const at = now.toISOString();
    const before = new Date(now.getTime() - UNSEEN_AFTER_MS).toISOString();
    this.enqueue('present', async () => {
      const recorded = await this.store.markSeen(
        attendances.map((a) => a.participantId),
        at,
      );
      // Taken over from another node, or its join was lost: recorded now.
      for (const a of attendances) if (!recorded.has(a.participantId)) await this.store.join(a, at);
      for (const gone of await this.store.unseenSince(before)) {
        await this.store.leave(gone.participantId, gone.seenAt);
      }
      await this.store.endAbandonedCalls(before);
    });
  }

  ended(meetingId: string, at: Date): void {
    this.enqueue('end', () => this.store.endCall(meetingId, at.toISOString()));
  }

  /** Resolves once everything told so far is written (tests, and a node shutting down). */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(what: string, write: () => Promise<void>): void {
    this.queue = this.queue.then(write).catch((err: unknown) => this.onError(err, `call record (${what})`));
  }
}
