import { ChatClient } from '@conclave/client';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useNotifications } from '../app/NotificationsProvider';

const ChatContext = createContext<ChatClient | null>(null);

/** The signed-in person's chat; null for a guest or when signed out. */
export function useChat(): ChatClient | null {
  return useContext(ChatContext);
}

/**
 * Chat for the signed-in person (CHAT-DIRECT), on every page, so the header's badge is live: one
 * `ChatClient` per session, fed by the tab's notification socket, and read again from the server
 * whenever that socket opens (frames sent while it was closed are lost) and whenever the tab comes
 * back into view (what was read in another tab is not notified).
 */
export function ChatProvider({
  person,
  children,
}: {
  person: { userId: string; csrfToken: string } | null;
  children: ReactNode;
}) {
  const userId = person?.userId ?? null;
  const csrfToken = person?.csrfToken ?? null;
  const chat = useMemo(
    () => (userId !== null && csrfToken !== null ? new ChatClient({ userId, csrfToken }) : null),
    [userId, csrfToken],
  );
  // A failure leaves the badge as it was until the next try; the chat page reports its own.
  const refresh = useCallback(() => void chat?.refresh().catch(() => undefined), [chat]);
  useNotifications((n) => chat?.receive(n), refresh);
  useEffect(() => {
    if (!chat) return;
    refresh();
    const onVisibility = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [chat, refresh]);
  return <ChatContext.Provider value={chat}>{children}</ChatContext.Provider>;
}
