import type { MeetingChat, Room } from '@conclave/client';
import { useEffect, useRef, useState } from 'react';

/** Re-renders on every change of the meeting's chat (messages, unread, on or off); returns a version. */
export function useChatVersion(chat: MeetingChat): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const offs = [chat.on('messagesChanged', bump), chat.on('enabledChanged', bump)];
    return () => offs.forEach((off) => off());
  }, [chat]);
  return version;
}

/**
 * While the Chat panel is closed, a screen reader hears who wrote (the unread count on the Chat
 * button is hidden from it, as the lobby's count on Participants is); once per message, never one's own.
 */
export function useChatCues(room: Room, open: boolean, announce: (text: string) => void): void {
  const told = useRef<string | null>(null);
  useEffect(
    () =>
      room.chat.on('messagesChanged', (messages) => {
        const last = messages.at(-1);
        if (open || !last || last.own || room.chat.unread === 0 || told.current === last.id) return;
        told.current = last.id;
        announce(`New chat message from ${last.displayName}`);
      }),
    [room, open, announce],
  );
}
