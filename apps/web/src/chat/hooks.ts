import type { ChatClient, ChatHistory } from '@conclave/client';
import type { ConversationView } from '@conclave/protocol';
import { useCallback, useSyncExternalStore } from 'react';

// The client's snapshots are replaced on every change, so React can compare them by identity.

export function useConversations(chat: ChatClient): readonly ConversationView[] {
  const subscribe = useCallback((changed: () => void) => chat.on('conversationsChanged', changed), [chat]);
  return useSyncExternalStore(subscribe, () => chat.conversations);
}

export function useUnreadTotal(chat: ChatClient | null): number {
  const subscribe = useCallback(
    (changed: () => void) => chat?.on('unreadChanged', changed) ?? (() => undefined),
    [chat],
  );
  return useSyncExternalStore(subscribe, () => chat?.unreadTotal ?? 0);
}

export function useChatEnabled(chat: ChatClient): boolean {
  const subscribe = useCallback((changed: () => void) => chat.on('enabledChanged', changed), [chat]);
  return useSyncExternalStore(subscribe, () => chat.enabled);
}

export function useHistory(chat: ChatClient, conversationId: string): ChatHistory {
  const subscribe = useCallback(
    (changed: () => void) =>
      chat.on('historyChanged', (id) => {
        if (id === conversationId) changed();
      }),
    [chat, conversationId],
  );
  return useSyncExternalStore(subscribe, () => chat.history(conversationId));
}

/** Whether the person can see this tab now: only then is a conversation marked read. */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    (changed) => {
      document.addEventListener('visibilitychange', changed);
      return () => document.removeEventListener('visibilitychange', changed);
    },
    () => document.visibilityState === 'visible',
  );
}
