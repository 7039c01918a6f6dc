import { z } from 'zod';
import { ID_PATTERN } from './api';
import { textSchema, type TextRule } from './text';

/** Chat between people of an organisation (CHAT-DIRECT), kept encrypted at rest (CHAT-AT-REST). */

export const CHAT_MESSAGE_RULE: TextRule = { label: 'Message', min: 1, max: 4000, multiline: true };
export const CONVERSATION_NAME_RULE: TextRule = { label: 'Conversation name', min: 1, max: 80 };

/** People in a group conversation besides its maker. */
export const MAX_GROUP_MEMBERS = 100;

const id = z.string().regex(ID_PATTERN, 'Not a valid id');

/** POST /api/chat/conversations: one-to-one (the same one again if it exists) or a named group. */
export const createConversationRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), userId: id }),
  z.object({
    kind: z.literal('group'),
    name: textSchema(CONVERSATION_NAME_RULE),
    memberIds: z.array(id).min(1).max(MAX_GROUP_MEMBERS),
  }),
]);
export type CreateConversationRequest = z.infer<typeof createConversationRequestSchema>;

/** POST …/messages and PATCH …/messages/:id. */
export const chatMessageRequestSchema = z.object({ body: textSchema(CHAT_MESSAGE_RULE) });
export type ChatMessageRequest = z.infer<typeof chatMessageRequestSchema>;

const chatPersonSchema = z.object({ id, name: z.string().max(1024) });
export type ChatPerson = z.infer<typeof chatPersonSchema>;

/** A conversation as one member sees it, by REST and on the notification socket. */
export const conversationViewSchema = z.object({
  id,
  kind: z.enum(['direct', 'group']),
  /** A group's name; a direct conversation is named by the other person. */
  name: z.string().max(1024).nullable(),
  members: z.array(chatPersonSchema).max(MAX_GROUP_MEMBERS + 1),
  /** Messages from others since this person last read the conversation. */
  unread: z.number().int().min(0),
  lastMessageAt: z.string().max(40).nullable(),
});
export type ConversationView = z.infer<typeof conversationViewSchema>;

/** One message as clients get it, by REST and on the notification socket. */
export const chatMessageViewSchema = z.object({
  id,
  conversationId: id,
  author: chatPersonSchema,
  /** Null once deleted: the message keeps its place, its words are gone. */
  body: z.string().max(64_000).nullable(),
  createdAt: z.string().max(40),
  editedAt: z.string().max(40).nullable(),
});
export type ChatMessageView = z.infer<typeof chatMessageViewSchema>;

/** GET /api/chat/conversations: whether chat is on (CHAT-TOGGLE), and the person's conversations. */
export interface ConversationListView {
  enabled: boolean;
  conversations: ConversationView[];
}

/** A page of history, newest first; `before` the oldest one's id fetches the next. */
export interface ChatHistoryView {
  messages: ChatMessageView[];
  more: boolean;
}
