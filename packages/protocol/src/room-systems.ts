import { z } from 'zod';
import { ID_PATTERN, isTimeZone, type LobbyMode } from './api';
import { DISPLAY_NAME_RULE, textSchema } from './text';

/**
 * Room systems (ADM-ROOMS): the shared screen of a meeting room, running the web client's room mode
 * (/room) without a personal account. A screen shows a pairing code; a Superuser or Administrator
 * enters it in Administration → Room systems, which registers the room system and gives the screen
 * its own session (an HttpOnly cookie), until the room system is revoked or deleted (IAM-REVOKE).
 */

/** Crockford base32 without I, L, O, U: nothing to mistake for another character. */
export const PAIRING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters of a pairing code: 40 random bits. */
export const PAIRING_CODE_LENGTH = 8;
/** How often the room screen asks whether its code was entered. */
export const PAIRING_POLL_MS = 2_000;
/** How often a paired screen checks that it still is (and says it is there: see `online`). */
export const ROOM_SESSION_POLL_MS = 5_000;

/**
 * A pairing code as typed: case, spaces and dashes do not matter, and the letters Crockford base32
 * reads as digits (I and L as 1, O as 0) are read so. Anything else is refused.
 */
export function normalisePairingCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (code.length !== PAIRING_CODE_LENGTH) return null;
  for (const c of code) if (!PAIRING_ALPHABET.includes(c)) return null;
  return code;
}

const pairingCodeSchema = z
  .string()
  .max(32)
  .transform((typed, ctx) => {
    const code = normalisePairingCode(typed);
    if (code === null) {
      ctx.addIssue({
        code: 'custom',
        message: `Enter the ${PAIRING_CODE_LENGTH}-character code shown on the screen`,
      });
      return z.NEVER;
    }
    return code;
  });

/** A room system's name, under the one rule for names. */
const roomSystemNameSchema = textSchema({ ...DISPLAY_NAME_RULE, label: 'Room name' });

/** POST /api/room-systems/pairing (no account): a new code for this screen, and its pairing cookie. */
export interface PairingStartView {
  code: string;
  expiresAt: string;
}

/** GET /api/room-systems/pairing (the pairing cookie): has an administrator entered the code yet? */
export type PairingStatusView =
  | { state: 'pending'; expiresAt: string }
  /** Entered: the room session cookie came with this answer, and the pairing is used up. */
  | { state: 'paired'; room: RoomSessionView }
  /** Expired, used, or never started here: ask for a new code. */
  | { state: 'expired' };

/** GET /api/room-systems/session (the room cookie): who this screen is. 401 once revoked or deleted. */
export interface RoomSessionView {
  id: string;
  name: string;
  organisation: { id: string; name: string };
}

/** GET /api/room-systems/session/meetings?extension=…: the meeting a room joins by its extension. */
export const roomMeetingQuerySchema = z.object({ extension: z.string().regex(/^\d{6}$/, 'Enter 6 digits') });
export interface RoomMeetingView {
  id: string;
  name: string;
  hasPasscode: boolean;
}

/** How often a paired screen asks again for its day's meetings (ADM-CALENDAR). */
export const ROOM_DAY_POLL_MS = 30_000;

/**
 * GET /api/room-systems/session/day?timeZone=…: the screen's local day, by the IANA time zone its
 * browser runs in (the server has no idea where the room is).
 */
export const roomDayQuerySchema = z.object({
  timeZone: z.string().max(64).refine(isTimeZone, 'Send an IANA time zone such as Europe/Zurich'),
});
export type RoomDayQuery = z.input<typeof roomDayQuerySchema>;

/** A meeting the room system is invited to, as its screen lists it. Never its passcode. */
export interface RoomDayMeeting {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  /** Who organises it, by their display name. */
  ownerName: string;
  extension: string;
  /** Joining asks for the passcode on the screen's pad, as for anyone invited. */
  hasPasscode: boolean;
  lobby: LobbyMode;
}

/** The room's scheduled meetings that overlap its local day, soonest first. */
export interface RoomDayView {
  /** The day's bounds, ISO UTC: from its local midnight to the next. */
  from: string;
  to: string;
  meetings: RoomDayMeeting[];
  /** The screen joins each of them by itself when it starts (Administration → Room systems). */
  autoJoin: boolean;
}

/** GET /api/room-systems: a room system as the administration sees it. */
export interface AdminRoomSystemView {
  id: string;
  name: string;
  associatedUser: { id: string; displayName: string } | null;
  hidden: boolean;
  /** Its access was revoked: its screen is back at pairing, and only a new code restores it. */
  revoked: boolean;
  /** Its screen checked in lately (within ROOM_ONLINE_MS). */
  online: boolean;
  /** When its screen last checked in; null if it never did. */
  lastSeenAt: string | null;
  createdAt: string;
  /** Its screen joins the meetings it is invited to by itself when they start. */
  autoJoin: boolean;
  /** What the caller may do to it (the same rules the server applies). */
  can: { manage: boolean; hide: boolean };
}

/** A screen that has not checked in for this long counts as offline. */
export const ROOM_ONLINE_MS = 30_000;

const userId = z.string().regex(ID_PATTERN);

/** POST /api/room-systems: registers the screen showing `code`. */
export const registerRoomSystemRequestSchema = z.object({
  code: pairingCodeSchema,
  name: roomSystemNameSchema,
  associatedUserId: userId.nullable().optional(),
});
export type RegisterRoomSystemRequest = z.input<typeof registerRoomSystemRequestSchema>;

/** PATCH /api/room-systems/:id: rename, associate (null: nobody), hide or show, automatic join. */
export const updateRoomSystemRequestSchema = z
  .object({
    name: roomSystemNameSchema.optional(),
    associatedUserId: userId.nullable().optional(),
    hidden: z.boolean().optional(),
    autoJoin: z.boolean().optional(),
  })
  .strict();
export type UpdateRoomSystemRequest = z.input<typeof updateRoomSystemRequestSchema>;

/** POST /api/room-systems/:id/restore: a revoked room system comes back by pairing its screen again. */
export const restoreRoomSystemRequestSchema = z.object({ code: pairingCodeSchema });
export type RestoreRoomSystemRequest = z.input<typeof restoreRoomSystemRequestSchema>;

/** An event alert (ADM-ROOMS): a room system went offline or came back. */
export interface EventAlertView {
  id: string;
  kind: 'roomOffline' | 'roomOnline';
  roomSystem: { id: string; name: string };
  at: string;
  /** How many of the organisation's Superusers and Administrators it was mailed to. */
  mailed: number;
}

export interface EventAlertListView {
  alerts: EventAlertView[];
}
