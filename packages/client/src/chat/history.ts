import type { ChatHistoryView, ChatMessageView } from '@conclave/protocol';

/**
 * The messages of one conversation this client has read, as an immutable snapshot: every change makes
 * a new one, so a view can tell by identity whether anything changed.
 */
export interface ChatHistory {
  /** Oldest first, without gaps: from the oldest page read to the newest message. */
  readonly messages: readonly ChatMessageView[];
  /** Whether the server has messages older than the first one here (true until a page was read). */
  readonly more: boolean;
  /** Whether the newest page was read: until then live messages are left for that page to bring. */
  readonly loaded: boolean;
}

export const NO_HISTORY: ChatHistory = { messages: [], more: true, loaded: false };

// Message ids are UUIDv7: as strings they sort in the order the server made them.
const byId = (a: ChatMessageView, b: ChatMessageView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** `messages` merged into the history's, these winning over any copy of the same id. */
function merged(history: ChatHistory, messages: readonly ChatMessageView[]): ChatMessageView[] {
  const all = new Map(history.messages.map((m) => [m.id, m]));
  for (const m of messages) all.set(m.id, m);
  return [...all.values()].sort(byId);
}

/** With a page the server sent (newest first): the first one, or the next older one. */
export function withPage(history: ChatHistory, page: ChatHistoryView): ChatHistory {
  return { messages: merged(history, page.messages), more: page.more, loaded: true };
}

/**
 * With the newest page read again after notifications may have been missed. When it reaches back into
 * what is here, it is merged (edits and deletions in it win); when it does not, messages are missing
 * between the two, so only the page is kept, and older ones are paged in again.
 */
export function resynced(history: ChatHistory, page: ChatHistoryView): ChatHistory {
  const oldest = page.messages[page.messages.length - 1];
  const newest = history.messages[history.messages.length - 1];
  const overlaps = !page.more || oldest === undefined || newest === undefined || oldest.id <= newest.id;
  if (!overlaps) return withPage(NO_HISTORY, page);
  return { messages: merged(history, page.messages), more: history.more && page.more, loaded: true };
}

/**
 * With one message as a notification brought it: a new one is added (`add`), an edited or deleted one
 * replaces its copy. Unchanged (the same object) when there is nothing to do: nothing read yet, an
 * edit of a message not read, or a copy equal to the one here.
 */
export function withMessage(history: ChatHistory, message: ChatMessageView, add: boolean): ChatHistory {
  if (!history.loaded) return history;
  const index = history.messages.findIndex((m) => m.id === message.id);
  const old = history.messages[index];
  if (old === undefined) {
    return add ? { ...history, messages: merged(history, [message]) } : history;
  }
  if (old.body === message.body && old.editedAt === message.editedAt) return history;
  const messages = [...history.messages];
  messages[index] = message;
  return { ...history, messages };
}

/** How many messages here are unread once read up to `messageId`: others' later ones, not deleted. */
export function unreadAfter(history: ChatHistory, messageId: string, self: string): number {
  return history.messages.filter((m) => m.id > messageId && m.author.id !== self && m.body !== null).length;
}
