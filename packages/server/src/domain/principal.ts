import type { Role } from '@conclave/protocol';
import type { FastifyRequest } from 'fastify';
import type { MeetingRecord } from './meeting';

/** Who is making a request or holding a signaling socket, as established by auth/. */
export type Principal = UserPrincipal | GuestPrincipal | EgressPrincipal | RoomPrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  organisationId: string;
  displayName: string;
  role: Role;
  sessionId: string;
}

/** A guest may join exactly one meeting, by the token issued for it. */
export interface GuestPrincipal {
  kind: 'guest';
  guestId: string;
  organisationId: string;
  meetingId: string;
  displayName: string;
  /**
   * The API key whose system issued this guest's token (POST /api/v1/meetings/{id}/guests): the
   * organisation let them in, so no passcode is asked; the lobby still applies (docs/sdk.md).
   */
  apiKeyId?: string;
  /**
   * A caller the SIP gateway let in (INTEROP-SIP, INTEROP-PSTN): shown as a SIP endpoint or a phone.
   * Its passcode was checked on the call, by the same gate; the lobby still applies.
   */
  via?: 'sip' | 'phone';
}

/**
 * The recorder the server itself launched for one meeting's recording or live stream (REC-START,
 * STREAM-LIVE): it receives the meeting's media and roster, is in nobody's roster, counts against no
 * limit, and may only receive.
 */
export interface EgressPrincipal {
  kind: 'egress';
  egressId: string;
  organisationId: string;
  meetingId: string;
  displayName: string;
}

/**
 * A meeting-room screen (ADM-ROOMS), by the session it was given when paired. It joins meetings of
 * its organisation as a person of it would (passcode, lobby) but is never a moderator by role, and
 * may not record, stream or act as anyone's account: the permission table knows only users.
 */
export interface RoomPrincipal {
  kind: 'room';
  roomSystemId: string;
  organisationId: string;
  displayName: string;
  /** Its screen's session: revoking the room system ends it, like a person's sign-out. */
  sessionId: string;
}

/** The recorders this node launched, each known by the token it was started with (REC-START). */
export interface EgressTokenSource {
  /** The recorder a token was issued to, or null when unknown, used up or expired. */
  principalFromEgressToken(token: string): EgressPrincipal | null;
}

/**
 * How a signaling socket learns who holds it; implemented by auth/. Sessions are resolved afresh on
 * each call, so a signed-out session is refused at once.
 */
export interface PrincipalSource {
  /** The signed-in user behind the upgrade request's session cookie, or null. */
  principalFromRequest(request: FastifyRequest): Promise<UserPrincipal | null>;
  /** The room system behind the upgrade request's room cookie (ADM-ROOMS), or null. */
  roomFromRequest(request: FastifyRequest): Promise<RoomPrincipal | null>;
  /** The guest a token was issued to, or null when unknown or expired. */
  principalFromGuestToken(token: string): Promise<GuestPrincipal | null>;
  /**
   * Counts a new guest from this address against its limit; rejects with a rate-limit error when
   * over, or when the count could not be taken (the limit store is unreachable).
   */
  limitNewGuests(clientIp: string): Promise<void>;
  /** A new guest of this meeting, named by themselves, with the token to rejoin as the same guest. */
  newGuest(
    meeting: MeetingRecord,
    displayName: string,
  ): Promise<{ principal: GuestPrincipal; token: string }>;
}

/** What stands where a deleted person's name was (PRIV-EXPORT): in the audit log, recordings and usage reports. */
export const DELETED_PERSON = 'Deleted person';
