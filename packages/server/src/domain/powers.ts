import type { Role } from '@conclave/protocol';
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

/**
 * Who may hide or show a person in the directory. Superusers and Administrators may for Users and
 * Superusers; an Administrator "cannot be changed by Users or Superusers", nor by another
 * Administrator, so only they hide or show themself.
 */
export function managesUser(principal: UserPrincipal, user: { id: string; role: Role }): boolean {
  if (!isManager(principal)) return false;
  return user.role !== 'administrator' || user.id === principal.userId;
}
