import { notificationSchema, type Notification } from '@conclave/protocol';
import type { WebSocket } from 'ws';

/** One client's notification socket: whom it listens for (a user, or a room system), under which session. */
interface Listener {
  socket: WebSocket;
  recipient: string;
  sessionId: string;
  missedPongs: number;
}

/** Close codes a client can tell apart: signed out (do not reconnect) from anything else. */
export const CLOSE_SIGNED_OUT = 4001;
const CLOSE_UNEXPECTED_MESSAGE = 1008;

/**
 * The notification sockets of this node, by user. Delivery is at most once and only to sockets open
 * now: a client that was not connected learns what it missed from the REST API (missed calls).
 */
export class NotificationHub {
  private readonly byRecipient = new Map<string, Set<Listener>>();
  /**
   * Each notification checked and serialised once, however many people it goes to: a chat message
   * to a group of 100 is one notification object published for each member.
   */
  private readonly serialised = new WeakMap<Notification, string>();

  constructor(private readonly maxPerUser: number) {}

  /** Whether this user may open another socket here. */
  hasRoomFor(recipient: string): boolean {
    return (this.byRecipient.get(recipient)?.size ?? 0) < this.maxPerUser;
  }

  add(socket: WebSocket, recipient: string, sessionId: string): void {
    const listener: Listener = { socket, recipient, sessionId, missedPongs: 0 };
    let set = this.byRecipient.get(recipient);
    if (!set) this.byRecipient.set(recipient, (set = new Set()));
    set.add(listener);
    socket.on('pong', () => (listener.missedPongs = 0));
    // The socket only listens: a client that talks is not ours.
    socket.on('message', () => socket.close(CLOSE_UNEXPECTED_MESSAGE, 'This socket only listens'));
    socket.on('close', () => {
      set.delete(listener);
      if (set.size === 0 && this.byRecipient.get(recipient) === set) this.byRecipient.delete(recipient);
    });
  }

  /** Sends to every socket of the user on this node; what the schema refuses is never sent. */
  deliver(recipient: string, notification: Notification): void {
    const set = this.byRecipient.get(recipient);
    if (!set) return;
    let text = this.serialised.get(notification);
    if (text === undefined) {
      text = JSON.stringify(notificationSchema.parse(notification));
      this.serialised.set(notification, text);
    }
    for (const { socket } of set) if (socket.readyState === socket.OPEN) socket.send(text);
  }

  /** A session ended (signed out, revoked): its sockets close, and the client does not come back. */
  endSession(sessionId: string): void {
    for (const set of this.byRecipient.values()) {
      for (const l of set) if (l.sessionId === sessionId) l.socket.close(CLOSE_SIGNED_OUT, 'session_ended');
    }
  }

  /** Pings every socket; one that missed two pongs in a row is cut off. */
  heartbeat(): void {
    for (const set of this.byRecipient.values()) {
      for (const l of set) {
        if (l.missedPongs >= 2) {
          l.socket.terminate();
          continue;
        }
        l.missedPongs++;
        l.socket.ping();
      }
    }
  }

  closeAll(): void {
    for (const set of this.byRecipient.values()) for (const l of set) l.socket.close(1001, 'server_closing');
  }
}
