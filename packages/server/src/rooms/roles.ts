import { may } from '../access';
import type { MeetingRecord, Principal } from '../domain';

/**
 * Moderators by role wherever they join (MEET-MODERATORS): those who manage the meeting, its owner
 * and the organisation's Superusers and Administrators. Others become moderators only when one of
 * these promotes them.
 */
export function isModeratorByRole(principal: Principal, meeting: MeetingRecord): boolean {
  return (
    principal.kind === 'user' &&
    principal.organisationId === meeting.organisationId &&
    may(principal, 'meeting.moderate', { kind: 'meeting', ownerId: meeting.ownerId })
  );
}

/**
 * One person across connections: a user by account, a guest by the token it was issued, a recorder
 * by the capture it serves, a room system by its registration.
 */
export function personKey(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'guest':
      return `guest:${principal.guestId}`;
    case 'egress':
      return `egress:${principal.egressId}`;
    case 'room':
      return `room:${principal.roomSystemId}`;
  }
}

/** Who took part, as call records name them (PRIV-CDR); recorders are never in them. */
export function callSubject(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `u:${principal.userId}`;
    case 'guest':
      return `g:${principal.guestId}`;
    case 'egress':
      return `e:${principal.egressId}`;
    case 'room':
      return `r:${principal.roomSystemId}`;
  }
}
