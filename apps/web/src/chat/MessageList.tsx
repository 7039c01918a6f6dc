import type { ChatClient, ChatHistory } from '@conclave/client';
import { useLayoutEffect, useRef, useState } from 'react';
import { useApiErrorText } from '../app/session';
import { Button } from '../ui/components';
import { MessageItem } from './MessageItem';

/** Within this many pixels of the bottom, the list follows new messages down. */
const NEAR_BOTTOM_PX = 80;

/**
 * The messages read of a conversation, oldest at the top, in a scrolling log: it follows new messages
 * while the person is at the bottom (and always after their own), and keeps its place when older ones
 * come in above.
 */
export function MessageList({
  chat,
  conversationId,
  history,
  self,
  label,
}: {
  chat: ChatClient;
  conversationId: string;
  history: ChatHistory;
  self: string;
  label: string;
}) {
  const errorText = useApiErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const before = useRef<{ first?: string; last?: string; height: number; top: number; atBottom: boolean }>({
    height: 0,
    top: 0,
    atBottom: true,
  });

  const { messages } = history;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = messages[0];
    const last = messages.at(-1);
    const was = before.current;
    if (last?.id !== was.last && (was.atBottom || last?.author.id === self)) {
      el.scrollTop = el.scrollHeight;
    } else if (first?.id !== was.first) {
      el.scrollTop = el.scrollHeight - (was.height - was.top);
    }
    before.current = {
      first: first?.id,
      last: last?.id,
      height: el.scrollHeight,
      top: el.scrollTop,
      atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX,
    };
  }, [messages, self]);
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    before.current.top = el.scrollTop;
    before.current.height = el.scrollHeight;
    before.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
  };

  const loadOlder = () => {
    setBusy(true);
    setError(null);
    chat
      .loadOlder(conversationId)
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  return (
    <div
      className="chat-messages"
      ref={scroller}
      onScroll={onScroll}
      tabIndex={0}
      role="log"
      aria-label={label}
    >
      {history.more && (
        <div className="chat-older">
          <Button size="sm" variant="ghost" busy={busy} onClick={loadOlder}>
            Load older messages
          </Button>
          {error && <p className="field-error">{error}</p>}
        </div>
      )}
      {messages.length === 0 ? (
        <p className="empty">No messages yet.</p>
      ) : (
        <ol className="chat-message-list">
          {messages.map((m) => (
            <MessageItem key={m.id} chat={chat} message={m} mine={m.author.id === self} />
          ))}
        </ol>
      )}
    </div>
  );
}
