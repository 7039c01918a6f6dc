import type { UserPrincipal } from './principal';

/*
 * What a role may do to others' things, as far as it is built (the rest comes with ROLE-MATRIX). Each
 * rule answers for a record of the principal's own organisation; callers check the organisation first.
 */

/** Superusers and Administrators: they manage every meeting of their organisation. */
export function isManager(principal: UserPrincipal): boolean {
  return principal.role === 'superuser' || principal.role === 'administrator';
}

/** The owner, and Superusers and Administrators, may hide it (MEET-HIDE) and enter without its passcode. */
export function managesMeeting(principal: UserPrincipal, meeting: { ownerId: string }): boolean {
  return meeting.ownerId === principal.userId || isManager(principal);
}
