import type { ChatMessageView, ConversationView } from '@conclave/protocol';
import type { FetchLike } from '../regions';
import type { ChatHistory } from './history';

export interface ChatClientOptions {
  /** The signed-in person (`SessionView.user.id`): their own messages are never unread. */
  userId: string;
  /** The session's CSRF token (`SessionView.csrfToken`), sent with every write. */
  csrfToken: string;
  /** Where the server is, e.g. `https://meet.example`; by default the page's own origin. */
  baseUrl?: string;
  /** How requests are made (default: the browser's `fetch`, with the session cookie of the origin). */
  fetch?: FetchLike;
}

export interface ChatEvents {
  /**
   * The list changed: a conversation came, moved up with a new message, or its unread count changed
   * (`chat.conversations`, the most recently active first).
   */
  conversationsChanged: [conversations: readonly ConversationView[]];
  /** The number of unread messages in all conversations changed (`chat.unreadTotal`: the badge). */
  unreadChanged: [total: number];
  /** The messages read of a conversation changed: a new, older, edited or deleted one (`chat.history(id)`). */
  historyChanged: [conversationId: string, history: ChatHistory];
  /** A new message arrived live, from anyone in the conversation (one's own from another tab too). */
  message: [message: ChatMessageView];
  /** Its author changed a message's words. */
  messageEdited: [message: ChatMessageView];
  /** Its author deleted a message: it keeps its place, its `body` is null. */
  messageDeleted: [message: ChatMessageView];
  /** Chat was turned on or off for the organisation (CHAT-TOGGLE), as the server last said. */
  enabledChanged: [enabled: boolean];
}
