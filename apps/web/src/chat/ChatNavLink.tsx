import { NavLink } from 'react-router';
import { useChat } from './ChatProvider';
import { useUnreadTotal } from './hooks';

/** "Chat" in the header, with the number of unread messages in all conversations (CHAT-DIRECT). */
export function ChatNavLink() {
  const unread = useUnreadTotal(useChat());
  return (
    // The name starts with the visible word (WCAG 2.5.3) and says what the number is.
    <NavLink to="/chat" aria-label={unread > 0 ? `Chat, ${unread} unread` : undefined}>
      Chat
      {unread > 0 && (
        <span className="nav-badge" data-testid="chat-unread">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
