import { z } from 'zod';
import { CHAT_MESSAGE_RULE } from './chat';
import { textSchema } from './text';

/**
 * In-meeting chat (CHAT-MEETING) over the signaling socket. A meeting without E2EE keeps its chat
 * on the server, sealed at rest, for as long as the meeting lasts: a joiner gets it as
 * `chatHistory`. In an E2EE meeting (E2EE-CHAT) each message is an MLS application message the
 * sender's client encrypted for the group: the server relays it, stamped with who sent it and when,
 * and keeps nothing, so a joiner reads only what is sent once it holds the group's keys.
 */

/** Messages a joiner is shown of what was said before it came in (the latest ones). */
export const MEETING_CHAT_HISTORY = 200;
/** An MLS PrivateMessage carrying the longest message, as base64url, fits in one signaling frame. */
const MAX_SEALED_CHAT = 48 * 1024;

const rid = z.string().min(1).max(64).optional();

/** Says something to everyone in a meeting without E2EE; refused in an E2EE meeting (see below). */
const sendChatMessageSchema = z.object({
  type: z.literal('sendChat'),
  rid,
  body: textSchema(CHAT_MESSAGE_RULE),
});

/**
 * Says something to everyone in an E2EE meeting: `message` is an MLS PrivateMessage of the group
 * (base64url) whose content is the chat's words; only E2EE meetings take it.
 */
const sendEncryptedChatMessageSchema = z.object({
  type: z.literal('sendEncryptedChat'),
  rid,
  message: z
    .string()
    .min(1)
    .max(MAX_SEALED_CHAT)
    .regex(/^[A-Za-z0-9_-]*$/, 'Not base64url'),
});

export const meetingChatClientMessageSchemas = [
  sendChatMessageSchema,
  sendEncryptedChatMessageSchema,
] as const;

/** One message of a meeting's chat, as everyone in it sees it. */
export interface MeetingChatLine {
  /** Sorts by time (UUIDv7). */
  id: string;
  participantId: string;
  /** The name they had in the meeting when they wrote it. */
  displayName: string;
  body: string;
  sentAt: string;
}

export type MeetingChatServerMessage =
  /**
   * Right after `joined` (and again after a resume): whether the organisation has chat on
   * (CHAT-TOGGLE), and what was said so far (always empty under E2EE, whose chat the server cannot read).
   */
  | { type: 'chatHistory'; enabled: boolean; messages: MeetingChatLine[] }
  /** Someone said something, the sender included (in a meeting without E2EE). */
  | { type: 'chat'; message: MeetingChatLine }
  /**
   * Someone said something in an E2EE meeting, to everyone but themself: `message` as they sent it,
   * `participantId` whose connection sent it (the client believes the MLS sender, and drops a message
   * where the two differ).
   */
  | { type: 'encryptedChat'; id: string; participantId: string; sentAt: string; message: string };
