import type { FastifyRequest } from 'fastify';
import type { GuestPrincipal, Principal } from '../auth/principal';

/** What signaling needs from auth/: who holds this socket. */
export interface SignalingAuth {
  /** The signed-in user behind the upgrade request's session cookie, or null. */
  principalFromRequest(request: FastifyRequest): Promise<Principal | null>;
  /** The guest a token was issued to, or null when unknown or expired. */
  principalFromGuestToken(token: string): Promise<GuestPrincipal | null>;
}

/** The little signaling needs to know about a meeting. */
export interface MeetingRecord {
  id: string;
  organisationId: string;
  ownerId: string;
  name: string;
}

/** What signaling needs from meetings/. */
export interface MeetingLookup {
  findMeeting(id: string): Promise<MeetingRecord | null>;
}
