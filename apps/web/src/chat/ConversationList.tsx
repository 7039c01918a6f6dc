import type { ChatClient } from '@conclave/client';
import type { CSSProperties } from 'react';
import { NavLink } from 'react-router';
import { avatarHue, initials } from '../ui/components';
import { conversationTitle, messageTime } from './format';
import { useConversations } from './hooks';

/** The person's conversations, the most recently active first, each with its unread count. */
export function ConversationList({
  chat,
  self,
  onOpen,
}: {
  chat: ChatClient;
  self: string;
  onOpen: () => void;
}) {
  const conversations = useConversations(chat);
  if (conversations.length === 0) {
    return <p className="empty">No conversations yet.</p>;
  }
  return (
    <ul className="chat-list" data-testid="chat-conversations">
      {conversations.map((c) => {
        const title = conversationTitle(c, self);
        return (
          <li key={c.id}>
            <NavLink
              to={`/chat/${encodeURIComponent(c.id)}`}
              className="chat-list-item"
              data-testid="chat-conversation"
              data-conversation-id={c.id}
              onClick={onOpen}
            >
              <span
                className="avatar avatar-sm"
                style={{ '--hue': avatarHue(c.id) } as CSSProperties}
                aria-hidden="true"
              >
                {initials(title)}
              </span>
              <span className="chat-list-main">
                <bdi className="chat-list-name">{title}</bdi>
                <span className="chat-list-meta">
                  {c.kind === 'group' ? `Group of ${c.members.length}` : 'Direct'}
                  {c.lastMessageAt && (
                    <>
                      {' · '}
                      <time dateTime={c.lastMessageAt}>{messageTime(c.lastMessageAt)}</time>
                    </>
                  )}
                </span>
              </span>
              {c.unread > 0 && (
                <>
                  <span className="count-badge" data-testid="chat-conversation-unread" aria-hidden="true">
                    {c.unread}
                  </span>
                  <span className="sr-only">, {c.unread} unread</span>
                </>
              )}
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}
