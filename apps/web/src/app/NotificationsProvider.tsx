import type { Notification } from '@conclave/protocol';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { openNotifications } from '../calls/notifications';

interface NotificationListener {
  notification(n: Notification): void;
  /** The socket opened (again): what came while it was closed must be read from the API. */
  opened(): void;
}

/** Who hears the one notification socket of this tab: calls and chat. */
class Listeners {
  private readonly all = new Set<NotificationListener>();
  add(listener: NotificationListener): () => void {
    this.all.add(listener);
    return () => {
      this.all.delete(listener);
    };
  }
  readonly notification = (n: Notification) => this.all.forEach((l) => l.notification(n));
  readonly opened = () => this.all.forEach((l) => l.opened());
}

const NotificationsContext = createContext<Listeners | null>(null);

/**
 * The signed-in person's notification socket, one per tab however many parts of the app listen to it
 * (the server allows a person 20). None for null; a new one for each person.
 */
export function NotificationsProvider({ userId, children }: { userId: string | null; children: ReactNode }) {
  const [listeners] = useState(() => new Listeners());
  useEffect(
    () => (userId === null ? undefined : openNotifications(listeners.notification, listeners.opened)),
    [userId, listeners],
  );
  return <NotificationsContext.Provider value={listeners}>{children}</NotificationsContext.Provider>;
}

/**
 * Hands every frame of the notification socket to `onNotification`, and tells `onOpened` whenever it
 * opens. The latest functions are called, so they need not be stable.
 */
export function useNotifications(onNotification: (n: Notification) => void, onOpened?: () => void): void {
  const listeners = useContext(NotificationsContext);
  const latest = useRef({ onNotification, onOpened });
  useEffect(() => {
    latest.current = { onNotification, onOpened };
  });
  useEffect(
    () =>
      listeners?.add({
        notification: (n) => latest.current.onNotification(n),
        opened: () => latest.current.onOpened?.(),
      }),
    [listeners],
  );
}
