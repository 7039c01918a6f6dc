import { EventEmitter } from 'node:events';
import type { Notification } from '@conclave/protocol';

/** What one domain tells the others happened; with several nodes, cluster/ carries each to every node. */
export type DomainEventMap = {
  /** A session ended (sign-out): its live connections end too. */
  sessionEnded: [sessionId: string];
  /** A meeting was deleted: everyone in it is told it has ended. */
  meetingDeleted: [meetingId: string];
  /**
   * Something every open client of this user is to hear (a call ringing), on whichever node it is;
   * the recipient is a user's id, or `roomRecipient(id)` for a room system's screens.
   */
  userNotified: [recipient: string, notification: Notification];
};

/** The notification recipient that is a room system's screens (ids never hold a colon). */
export const roomRecipient = (roomSystemId: string): string => `room:${roomSystemId}`;

/**
 * Domain events, delivered synchronously to every listener. A listener that throws is reported and
 * the others still run: its bug must not fail the request that published the event.
 */
export class DomainEvents extends EventEmitter<DomainEventMap> {
  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {
    super();
  }

  publish<E extends keyof DomainEventMap>(event: E, ...args: DomainEventMap[E]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: DomainEventMap[E]) => void)(...args);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }
}
