import type { ConversationView } from '@conclave/protocol';

/** A group's name; a direct conversation is named by the other person. */
export function conversationTitle(conversation: ConversationView, self: string): string {
  if (conversation.name !== null) return conversation.name;
  const others = conversation.members.filter((m) => m.id !== self).map((m) => m.name);
  return others.join(', ') || 'Only you';
}

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dated = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The time alone for today, with the date before that. */
export function messageTime(iso: string): string {
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? clock.format(at) : dated.format(at);
}
