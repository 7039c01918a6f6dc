import { z } from 'zod';
import { ID_PATTERN } from './api';
import { chatMessageViewSchema, conversationViewSchema } from './chat';

/**
 * Direct calls (MEET-CALL) and ringing someone into a running meeting (MEET-ADD), over REST, and the
 * per-user notification socket that makes a signed-in person's open clients ring.
 */

/** The notification socket: one per signed-in client, open while it is signed in. */
export const NOTIFICATIONS_PATH = '/api/notifications';
export const NOTIFICATIONS_SUBPROTOCOL = 'conclave.notify.v1';
/** The notification socket of a room system's screen (by its room cookie), to hear it is rung. */
export const ROOM_NOTIFICATIONS_PATH = `${NOTIFICATIONS_PATH}?as=room`;

const id = z.string().regex(ID_PATTERN, 'Not a valid id');

/**
 * POST /api/calls: ring a person; with `meetingId`, into that running meeting (MEET-ADD). A room
 * system (`roomSystemId`, ADM-ROOMS) is only ever rung into a running meeting: its screen has no
 * meeting of its own to take a direct call in.
 */
export const placeCallRequestSchema = z
  .object({ calleeId: id.optional(), roomSystemId: id.optional(), meetingId: id.optional() })
  .refine((r) => (r.calleeId === undefined) !== (r.roomSystemId === undefined), {
    message: 'Name either a person or a room system to call',
    path: ['calleeId'],
  })
  .refine((r) => r.roomSystemId === undefined || r.meetingId !== undefined, {
    message: 'A room system is rung into a running meeting',
    path: ['meetingId'],
  });
export type PlaceCallRequest = z.infer<typeof placeCallRequestSchema>;

/** `direct`: a call that becomes a meeting of its own; `add`: a moderator rings someone into theirs. */
export type CallKind = 'direct' | 'add';
/** `missed`: nobody answered in time, or the caller gave up first. */
export type CallState = 'ringing' | 'accepted' | 'declined' | 'missed';

export interface CallPerson {
  id: string;
  name: string;
}

/** Whom a call rings: a person, or a room system's screen. */
export interface CallCallee extends CallPerson {
  kind: 'user' | 'room';
}

export interface CallView {
  id: string;
  kind: CallKind;
  state: CallState;
  caller: CallPerson;
  callee: CallCallee;
  /** Where an accepted call meets; null once a call meeting nobody used is gone. */
  meeting: { id: string; name: string } | null;
  createdAt: string;
  /** Ringing stops by itself at this time. */
  expiresAt: string;
}

/** GET /api/calls/missed: the calls the signed-in person missed, newest first. */
export interface MissedCallsView {
  calls: { id: string; kind: CallKind; caller: CallPerson; meetingName: string | null; at: string }[];
  /** How many of them are not marked seen yet (the badge). */
  unseen: number;
}

/** How long a call rings before it counts as missed, unless the server is configured otherwise. */
export const DEFAULT_RING_SECONDS = 30;

// Bounds only: names were checked by their own text rules when they were made.
const person = z.object({ id, name: z.string().max(2048) });

/** Why a ringing call stopped ringing, as its people's clients are told. */
export const CALL_END_REASONS = [
  /** The callee accepted on another of their clients. */
  'answered_elsewhere',
  'declined',
  /** The caller hung up before anyone answered. */
  'cancelled',
  /** Nobody answered in time. */
  'missed',
] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];

/** Server → client frames of the notification socket. */
export const notificationSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('incomingCall'),
    call: z.object({
      id,
      kind: z.enum(['direct', 'add']),
      caller: person,
      meeting: z.object({ id, name: z.string().max(4096) }),
      expiresAt: z.string().max(40),
    }),
  }),
  /** To the caller's clients: the callee accepted; meet there. */
  z.object({ type: z.literal('callAccepted'), callId: id, meetingId: id, callee: person }),
  z.object({ type: z.literal('callEnded'), callId: id, reason: z.enum(CALL_END_REASONS) }),
  /** To every client of a conversation's members: a new message, or one edited or deleted (CHAT-DIRECT). */
  z.object({ type: z.literal('chatMessage'), message: chatMessageViewSchema }),
  /** To every client of its members: a conversation someone started with them, before any message. */
  z.object({ type: z.literal('chatConversation'), conversation: conversationViewSchema }),
  /**
   * To every client of the reader: they read a conversation on one of them, so the others' counts
   * follow; `unread` is what is left, as the server counts it.
   */
  z.object({ type: z.literal('chatRead'), conversationId: id, unread: z.number().int().min(0) }),
]);
export type Notification = z.infer<typeof notificationSchema>;
