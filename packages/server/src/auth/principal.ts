import type { Role } from '@conclave/protocol';

/** Who is making a request or holding a signaling socket, as established by auth/. */
export type Principal = UserPrincipal | GuestPrincipal;

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
}
